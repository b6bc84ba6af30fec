# Experiments: each job trains one model's whole grid (every seed and cell) as one ensemble, on one thread:
# two jobs side by side use two cores better than one job on both, which leaves a core idle while it starts,
# draws its data and writes its table (measured; README "What you get, and how long it takes").  The longest
# jobs (E1, E8, E9) have priority, so that none of them is left running alone at the end of the build.


rule loss_floor:
    input:
        code=code("loss_floor", "models", "trainer", "progress"),
    output:
        table="results/loss_floor/{model}_V{classes}.csv",
        manifest="results/loss_floor/{model}_V{classes}.json",
    params:
        config=lambda wildcards: section("loss_floor"),
        seeds=SEEDS,
    threads: 1
    priority: 1
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        ENV
    log:
        "results/logs/loss_floor/{model}_V{classes}.log",
    shell:
        "python -m experiments.loss_floor --model {wildcards.model} --classes {wildcards.classes}"
        " --seeds {params.seeds} --config {params.config:q} --threads {threads}"
        " --out {output.table} --manifest {output.manifest} > {log} 2>&1"


rule gradient_noise:
    input:
        code=code("gradient_noise", "models"),
    output:
        table="results/gradient_noise/{model}.csv",
        manifest="results/gradient_noise/{model}.json",
    params:
        config=lambda wildcards: section("gradient_noise"),
        seeds=SEEDS,
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        ENV
    log:
        "results/logs/gradient_noise/{model}.log",
    shell:
        "python -m experiments.gradient_noise --model {wildcards.model}"
        " --seeds {params.seeds} --config {params.config:q} --threads {threads}"
        " --out {output.table} --manifest {output.manifest} > {log} 2>&1"


rule least_squares:
    input:
        code=code("least_squares", "curves"),
    output:
        table="results/least_squares/d{features}.csv",
        manifest="results/least_squares/d{features}.json",
    params:
        config=lambda wildcards: section("least_squares"),
        seeds=SEEDS,
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        ENV
    log:
        "results/logs/least_squares/d{features}.log",
    shell:
        "python -m experiments.least_squares --features {wildcards.features}"
        " --seeds {params.seeds} --config {params.config:q} --threads {threads}"
        " --out {output.table} --manifest {output.manifest} > {log} 2>&1"


rule deep_linear:
    input:
        code=code("deep_linear", "curves", "progress"),
    output:
        table="results/deep_linear/all.csv",
        manifest="results/deep_linear/all.json",
    params:
        config=lambda wildcards: section("deep_linear"),
        seeds=SEEDS,
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        ENV
    log:
        "results/logs/deep_linear/all.log",
    shell:
        "python -m experiments.deep_linear"
        " --seeds {params.seeds} --config {params.config:q} --threads {threads}"
        " --out {output.table} --manifest {output.manifest} > {log} 2>&1"


rule zipf_scaling:
    input:
        code=code("zipf_scaling", "curves", "threshold_unit", "models", "trainer", "progress"),
    output:
        table="results/zipf_scaling/{part}.csv",
        manifest="results/zipf_scaling/{part}.json",
    params:
        config=lambda wildcards: section("zipf_scaling"),
        seeds=SEEDS,
    threads: 1
    resources:
        mem_mb=3000,
        runtime=20,
    conda:
        ENV
    log:
        "results/logs/zipf_scaling/{part}.log",
    shell:
        "python -m experiments.zipf_scaling --part {wildcards.part}"
        " --seeds {params.seeds} --config {params.config:q} --threads {threads}"
        " --out {output.table} --manifest {output.manifest} > {log} 2>&1"


rule capacity_noise:
    input:
        code=code("capacity", "threshold_unit"),
    output:
        table="results/capacity/noise_N{weights}.csv",
        manifest="results/capacity/noise_N{weights}.json",
    params:
        config=lambda wildcards: section("capacity"),
        seeds=SEEDS,
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    conda:
        ENV
    log:
        "results/logs/capacity/noise_N{weights}.log",
    shell:
        "python -m experiments.capacity --part noise --weights {wildcards.weights}"
        " --seeds {params.seeds} --config {params.config:q} --threads {threads}"
        " --out {output.table} --manifest {output.manifest} > {log} 2>&1"


rule capacity_mixture:
    input:
        code=code("capacity", "threshold_unit"),
    output:
        table="results/capacity/mixture.csv",
        manifest="results/capacity/mixture.json",
    params:
        config=lambda wildcards: section("capacity"),
        seeds=SEEDS,
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    conda:
        ENV
    log:
        "results/logs/capacity/mixture.log",
    shell:
        "python -m experiments.capacity --part mixture"
        " --seeds {params.seeds} --config {params.config:q} --threads {threads}"
        " --out {output.table} --manifest {output.manifest} > {log} 2>&1"


# E8 and E9: each one job, every seed x rho x f (E8) or every seed x rho of one n at a time (E9) as one
# batched program.
rule modular_addition:
    input:
        code=code("modular_addition", "curves", "models"),
    output:
        table="results/modular_addition/all.csv",
        manifest="results/modular_addition/all.json",
    params:
        config=lambda wildcards: section("modular_addition"),
        seeds=SEEDS,
    threads: 1
    priority: 1
    resources:
        mem_mb=3000,
        runtime=30,
    conda:
        ENV
    log:
        "results/logs/modular_addition/all.log",
    shell:
        "python -m experiments.modular_addition"
        " --seeds {params.seeds} --config {params.config:q} --threads {threads}"
        " --out {output.table} --manifest {output.manifest} > {log} 2>&1"


rule digits:
    input:
        code=code("digits", "models"),
    output:
        table="results/digits/all.csv",
        manifest="results/digits/all.json",
    params:
        config=lambda wildcards: section("digits"),
        seeds=SEEDS,
    threads: 1
    priority: 1
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        ENV
    log:
        "results/logs/digits/all.log",
    shell:
        "python -m experiments.digits"
        " --seeds {params.seeds} --config {params.config:q} --threads {threads}"
        " --out {output.table} --manifest {output.manifest} > {log} 2>&1"

# Experiments: each job trains one model's whole grid (every seed and cell) as one ensemble.


rule loss_floor:
    input:
        code=EXPERIMENT_CODE,
    output:
        table="results/loss_floor/{model}_V{classes}.csv",
        manifest="results/loss_floor/{model}_V{classes}.json",
    params:
        config=lambda wildcards: section("loss_floor"),
        seeds=SEEDS,
    threads: 2
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
        code=EXPERIMENT_CODE,
    output:
        table="results/gradient_noise/{model}.csv",
        manifest="results/gradient_noise/{model}.json",
    params:
        config=lambda wildcards: section("gradient_noise"),
        seeds=SEEDS,
    threads: 2
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

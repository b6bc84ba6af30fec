# Experiments: one rule per experiment of the registry (experiments/registry.py), generated here; each job trains one
# model's whole grid (every seed and cell) as one ensemble, on one thread: two jobs side by side use two cores better
# than one job on both, which leaves a core idle while it starts, draws its data and writes its table (measured;
# README "What you get, and how long it takes").  The longest jobs (E1, E8, E9) have priority, so that none of them is
# left running alone at the end of the build.  A job's code inputs are the modules its run imports (common.smk).
# On a GPU (the config's device cuda or cuda:N, README "Full grids on a GPU") each job also requests one: the SLURM
# executor plugin submits the resource gpu as sbatch --gpus=1; on the CPU (every shipped config) it requests none.
GPU = {} if config["device"] == "cpu" else {"gpu": 1}

for experiment in EXPERIMENTS:
    if not experiment.section:
        continue  # it trains nothing (E7 reads the ledger)

    rule:
        name:
            experiment.section
        input:
            code=code(experiment.run),
        output:
            table=f"results/{experiment.section}/{{job}}.csv",
            manifest=f"results/{experiment.section}/{{job}}.json",
        params:
            run=experiment.run,
            options=lambda wildcards, experiment=experiment: arguments(jobs(experiment)[wildcards.job]),
            config=lambda wildcards, experiment=experiment: section(experiment.section),
            seeds=SEEDS,
            device=config["device"],
        wildcard_constraints:
            job="|".join(re.escape(job) for job in jobs(experiment)),
        threads: 1
        priority: experiment.priority
        resources:
            **experiment.resources,
            **GPU,
        conda:
            ENV
        log:
            f"results/logs/{experiment.section}/{{job}}.log",
        shell:
            "python -m {params.run} {params.options}"
            " --seeds {params.seeds} --config {params.config:q} --threads {threads} --device {params.device}"
            " --out {output.table} --manifest {output.manifest} > {log} 2>&1"

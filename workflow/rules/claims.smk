# Claims: every prediction joined with its measurement in one ledger.


rule claims:
    input:
        code=EXPERIMENT_CODE,
        tables=LOSS_FLOOR + GRADIENT_NOISE + LEAST_SQUARES + DEEP_LINEAR + ZIPF_SCALING + CAPACITY + MODULAR_ADDITION + DIGITS,
    output:
        "results/claims.csv",
    conda:
        ENV
    log:
        "results/logs/claims.log",
    shell:
        "python -m experiments.claims --out {output} {input.tables} > {log} 2>&1"

# Claims: every experiment's claims joined with its measurements in one ledger.


rule claims:
    input:
        code=code("experiments.claims"),
        tables=TABLES,
    output:
        "results/claims.csv",
    conda:
        ENV
    log:
        "results/logs/claims.log",
    shell:
        "python -m experiments.claims --out {output} {input.tables} > {log} 2>&1"

# Claims: every experiment's claims joined with its measurements in one ledger, and the falsifiability audit of each family.


rule claims:
    input:
        code=code("experiments.claims"),
        tables=TABLES,
    output:
        ledger="results/claims.csv",
        audit="results/resolving_power.csv",
    conda:
        ENV
    log:
        "results/logs/claims.log",
    shell:
        "python -m experiments.claims --out {output.ledger} --audit {output.audit} {input.tables} > {log} 2>&1"

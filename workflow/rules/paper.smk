# Paper: the ledger and build macros, then latexmk with the PDF as the only declared output.


rule ledger:
    input:
        script="paper/ledger.py",
        claims="results/claims.csv",
    output:
        table="paper/generated/ledger_table.tex",
        macros="paper/generated/claims_macros.tex",
    conda:
        ENV
    log:
        "results/logs/ledger.log",
    shell:
        "python -m paper.ledger --claims {input.claims} --table {output.table} --macros {output.macros} > {log} 2>&1"


rule build_macros:
    input:
        script="paper/build_macros.py",
    output:
        "paper/generated/build_macros.tex",
    params:
        config=lambda wildcards: json.dumps(config, sort_keys=True),
        commit=COMMIT,
    conda:
        ENV
    log:
        "results/logs/build_macros.log",
    shell:
        "python -m paper.build_macros --config {params.config:q} --commit {params.commit}"
        " --out {output} > {log} 2>&1"


rule paper:
    input:
        tex="paper/paper.tex",
        bib="paper/references.bib",
        figures=expand("paper/generated/{figure}.pdf", figure=FIGURES),
        theory=rules.theory.output,
        ledger=rules.ledger.output,
        build="paper/generated/build_macros.tex",
    output:
        "paper/build/paper.pdf",
    conda:
        ENV
    log:
        "results/logs/paper.log",
    shell:
        "latexmk -pdf -interaction=nonstopmode -halt-on-error -cd -outdir=build {input.tex} > {log} 2>&1"

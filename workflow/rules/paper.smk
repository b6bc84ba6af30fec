# Paper: the ledger and build macros, then latexmk with the PDF as the only declared output.


rule ledger:
    input:
        code=code("paper.ledger"),
        claims="results/claims.csv",
        audit="results/resolving_power.csv",
    output:
        table="paper/generated/ledger_table.tex",
        macros="paper/generated/claims_macros.tex",
        html=report("results/report/claims.html", caption="../report/claims.rst", category="Claims ledger"),
    conda:
        ENV
    log:
        "results/logs/ledger.log",
    shell:
        "python -m paper.ledger --claims {input.claims} --audit {input.audit} --table {output.table} --macros {output.macros}"
        " --html {output.html} > {log} 2>&1"


rule middle_map:
    input:
        code=code("paper.middle_map"),
        claims="results/claims.csv",
    output:
        "paper/generated/middle_map.tex",
    conda:
        ENV
    log:
        "results/logs/middle_map.log",
    shell:
        "python -m paper.middle_map --claims {input.claims} --out {output} > {log} 2>&1"


rule build_macros:
    input:
        code=code("paper.build_macros"),  # the constants that the prose quotes come from the modules it imports
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
        figures=expand("paper/generated/{figure}.pdf", figure=BY_NAME),
        tables=expand("paper/generated/{name}_table.tex", name=tabled()),
        theory=rules.theory.output,
        ledger=rules.ledger.output,
        middle_map=rules.middle_map.output,
        build="paper/generated/build_macros.tex",
    output:
        "paper/build/paper.pdf",
    conda:
        ENV
    log:
        "results/logs/paper.log",
    shell:
        "latexmk -pdf -interaction=nonstopmode -halt-on-error -cd -outdir=build {input.tex} > {log} 2>&1"


# The submission tarball (`make arxiv`): the .tex, its generated inputs, the .bbl, cleaned by arxiv-latex-cleaner.
rule arxiv:
    input:
        code=code("paper.arxiv"),
        pdf=rules.paper.output,  # latexmk wrote the .bbl beside it
        tex="paper/paper.tex",
        generated=[f for f in rules.paper.input if f.startswith("paper/generated/")],  # every generated input of the PDF
    output:
        "paper/build/arxiv.tar.gz",
    params:
        bbl="paper/build/paper.bbl",
    conda:
        ENV
    log:
        "results/logs/arxiv.log",
    shell:
        "python -m paper.arxiv --tex {input.tex} --bbl {params.bbl} --out {output} {input.generated} > {log} 2>&1"

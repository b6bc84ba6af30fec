# Figures: one per experiment, experiments/<stem>/figure.py -> paper/generated/<stem>.pdf (the stem is the folder).
# In the report (`make report`) each figure's caption is its script's docstring.
rule figure:
    input:
        code=lambda wildcards: code(BY_NAME[wildcards.figure].figure),
        tables=lambda wildcards: figure_tables(wildcards.figure),
    output:
        report("paper/generated/{figure}.pdf", caption="../report/figure.rst", category="Figures", labels={"figure": "{figure}"}),
    params:
        script=lambda wildcards: BY_NAME[wildcards.figure].figure,
        caption=docstring,
    wildcard_constraints:
        figure="|".join(BY_NAME),
    conda:
        ENV
    log:
        "results/logs/figures/{figure}.log",
    shell:
        "python -m {params.script} --out {output} {input.tables} > {log} 2>&1"


# Tables for the text: experiments/<stem>/table.py, where an experiment has one -> paper/generated/<stem>_table.tex.
rule table:
    input:
        code=lambda wildcards: code(BY_NAME[wildcards.name].table),
        tables=lambda wildcards: figure_tables(wildcards.name),
    output:
        "paper/generated/{name}_table.tex",
    params:
        script=lambda wildcards: BY_NAME[wildcards.name].table,
    wildcard_constraints:
        name="|".join(tabled()) or "^$",
    conda:
        ENV
    log:
        "results/logs/tables/{name}.log",
    shell:
        "python -m {params.script} --out {output} {input.tables} > {log} 2>&1"

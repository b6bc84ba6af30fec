# Figures: one script per figure, paper/figures/<stem>.py -> paper/generated/<stem>.pdf.
# In the report (`make report`) each figure's caption is its script's docstring.
rule figure:
    input:
        script="paper/figures/{figure}.py",
        style="paper/figures/style.py",
        tables=lambda wildcards: FIGURES[wildcards.figure],
    output:
        report("paper/generated/{figure}.pdf", caption="../report/figure.rst", category="Figures", labels={"figure": "{figure}"}),
    params:
        caption=docstring,
    conda:
        ENV
    log:
        "results/logs/figures/{figure}.log",
    shell:
        "python -m paper.figures.{wildcards.figure} --out {output} {input.tables} > {log} 2>&1"

# Figures: one script per figure, paper/figures/<stem>.py -> paper/generated/<stem>.pdf.


rule figure:
    input:
        script="paper/figures/{figure}.py",
        style="paper/figures/style.py",
        tables=lambda wildcards: FIGURES[wildcards.figure],
    output:
        "paper/generated/{figure}.pdf",
    conda:
        ENV
    log:
        "results/logs/figures/{figure}.log",
    shell:
        "python -m paper.figures.{wildcards.figure} --out {output} {input.tables} > {log} 2>&1"

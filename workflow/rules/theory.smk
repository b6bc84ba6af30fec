# Theory: every SymPy derivation, printed into the paper (macros for the text, the appendix).


rule theory:
    input:
        code=code("paper.derivations"),
    output:
        macros="paper/generated/theory_macros.tex",
        appendix="paper/generated/derivations.tex",
    conda:
        ENV
    log:
        "results/logs/theory.log",
    shell:
        "python -m paper.derivations --macros {output.macros} --appendix {output.appendix} > {log} 2>&1"

# Theory: every SymPy derivation, printed into the paper (macros for the text, the appendix).


rule theory:
    input:
        code=THEORY_CODE,
    output:
        macros="paper/generated/theory_macros.tex",
        appendix="paper/generated/derivations.tex",
    conda:
        ENV
    log:
        "results/logs/theory.log",
    shell:
        "python -m theory.export --macros {output.macros} --appendix {output.appendix} > {log} 2>&1"

# Between noise and structure: the paper, built from code.
#   config -> theory -> experiments -> claims -> figures -> paper
# Run with `make paper` (default build) or `make smoke`; see README.md.
from snakemake.utils import min_version

min_version("9.0")

# The default build's config, unless the command line names another (`--configfile`, or a
# profile such as workflow/profiles/smoke); `--config key=value` overrides apply on top.
if not workflow.overwrite_configfiles:

    configfile: "workflow/configs/default.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/theory.smk"
include: "workflow/rules/experiments.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/paper.smk"


rule all:
    default_target: True
    input:
        "paper/build/paper.pdf",

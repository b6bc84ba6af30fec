"""What the experiments share: file writing, random streams, the ledger's machinery, statistics, curves, chunks, the
run's start-up and progress lines, the lookup-table data, the models and trainers of several experiments, and the
figures' look.  Each experiment's own modules are in its folder (experiments/common/spec.py says which)."""

"""One script per figure: paper/figures/<stem>.py writes paper/generated/<stem>.pdf (label fig:<stem>)."""

"""Figure E5: scaling laws from Zipf skills (T7).

(a) the memorising learner's error against samples n, with Hutter's E_n summed exactly over the
K keys (lines); (b) the population error of a threshold unit against its weights N, with lines
of slope -alpha (the quantization model) through the points; (c) each skill's probability of
its answer over gradient-descent steps at the middle alpha, and their Zipf-weighted sum, the
expected accuracy; (d) the expected accuracy for every alpha; (e) the step at which a skill's probability reaches
1/2 against its rank k, with lines of slope 1+alpha (Nam et al.) through the points; (f) every
fitted exponent against alpha, with T7's alpha/(1+alpha), alpha and 1+alpha.  Slope-only
lines are placed through the geometric mean of their points: theory gives their slope only.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from experiments.common import figures
from experiments.common.stats import summarise
from theory.zipf_skills import hutter_error, hutter_exponent, quantization_exponents, skill_emergence_exponent

PRINTED = 0.9  # of the text width: paper.tex's \includegraphics width for this figure, so that it prints at scale 1


def slope_line(ax, x, y, exponent, **kw) -> None:
    """A line y = c x^exponent through the geometric mean of the finite positive points (x, y)."""
    ok = np.isfinite(y) & (y > 0)
    if ok.sum() == 0:
        return
    c = np.exp(np.mean(np.log(y[ok]) - exponent * np.log(x[ok])))
    grid = np.geomspace(x[ok].min(), x[ok].max(), 50)
    ax.plot(grid, c * grid**exponent, **kw)


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    alphas = sorted(data["alpha"].dropna().unique())
    colors = {a: figures.color(i, len(alphas)) for i, a in enumerate(alphas)}
    fig, axes = plt.subplots(2, 3, figsize=(PRINTED * figures.WIDTH, 4.5))
    (ax_n, ax_size, ax_skill), (ax_total, ax_jump, ax_exp) = axes
    shapes = {a: figures.marker(i) for i, a in enumerate(alphas)}

    # (a) Hutter's learner against n
    rows = data[data["quantity"] == "memorising_error"]
    n_keys = int(rows["keys"].iloc[0])
    n = np.geomspace(rows["samples"].min(), rows["samples"].max(), 60)
    for a in alphas:
        ax_n.plot(n, hutter_error(n, a, n_keys), color=colors[a])
        figures.points(ax_n, summarise(rows[rows["alpha"] == a], ["alpha", "samples"]), "samples", color=colors[a], marker=shapes[a], markersize=3.5,
                       label=rf"$\alpha$ = {a:g}")
    ax_n.set_xlabel("samples $n$")
    ax_n.set_ylabel("error under the Zipf law")
    ax_n.set_title(f"(a) memoriser, $K$ = {n_keys}")

    # (b) capacity-limited unit against N
    rows = data[data["quantity"] == "population_error"]
    for a in alphas:
        s = summarise(rows[rows["alpha"] == a], ["alpha", "weights"])
        figures.points(ax_size, s, "weights", color=colors[a], marker=shapes[a], markersize=3.5)
        slope_line(ax_size, s["weights"].to_numpy(float), s["mean"].to_numpy(), -quantization_exponents(a)[0], color=colors[a])
    ax_size.set_xlabel("weights $N$")
    ax_size.set_ylabel("population error")
    ax_size.set_title(f"(b) threshold unit, $K$ = {int(rows['keys'].iloc[0])}")

    # (c) skills emerging one by one at the middle alpha (measured curves, no theory), and (d) their weighted sums
    middle = alphas[len(alphas) // 2]
    rows = data[(data["quantity"] == "skill_probability") & (data["alpha"] == middle)]
    ranks = sorted(rows["rank"].dropna().unique())
    shown = [r for r in ranks if np.log2(r) % 1 == 0]  # ranks 1, 2, 4, ...
    for i, r in enumerate(shown):
        s = summarise(rows[rows["rank"] == r], ["step"])
        s = s[s["step"] > 0]
        ax_skill.plot(s["step"], s["mean"], color=figures.shade(i, len(shown)), label=f"$k$ = {int(r)}")
    for a in alphas:
        s = summarise(data[(data["quantity"] == "expected_accuracy") & (data["alpha"] == a)], ["step"])
        s = s[s["step"] > 0]
        ax_total.plot(s["step"], s["mean"], color=colors[a], marker=shapes[a], markersize=2, markevery=4)
        if a == middle:
            ax_skill.plot(s["step"], s["mean"], color="k", linewidth=1.6, linestyle="--", label="weighted\nsum (d)")
    for ax in (ax_skill, ax_total):
        ax.set_xscale("log")
        ax.set_xlabel("gradient-descent step")
    figures.beside(ax_skill, handlelength=1.2)
    ax_skill.set_ylabel("probability of the answer")
    ax_skill.set_title(rf"(c) skills one by one, $\alpha$ = {middle:g}")
    ax_total.set_ylabel("expected accuracy")
    ax_total.set_title("(d) their Zipf-weighted sum")

    # (e) jump steps against rank
    rows = data[data["quantity"] == "jump_step"]
    for a in alphas:
        s = summarise(rows[rows["alpha"] == a], ["alpha", "rank"])
        figures.points(ax_jump, s, "rank", color=colors[a], marker=shapes[a], markersize=3)
        slope_line(ax_jump, s["rank"].to_numpy(float), s["mean"].to_numpy(), skill_emergence_exponent(a), color=colors[a])
    ax_jump.set_xlabel("skill rank $k$")
    ax_jump.set_ylabel("step where p(answer) = 1/2")
    ax_jump.set_title("(e) emergence times")

    # (f) every fitted exponent against T7 (the data loss's alpha/(1+alpha) is the quantization model's)
    grid = np.linspace(min(alphas) * 0.8, max(alphas) * 1.1, 100)
    for line, style in zip((hutter_exponent(grid), quantization_exponents(grid)[0], skill_emergence_exponent(grid)), ("-", "--", ":")):
        ax_exp.plot(grid, line, color=figures.THEORY, linewidth=0.8, linestyle=style)
    measured = {
        "memorising_error_exponent": ("o", r"$n$: error"),
        "memorising_loss_exponent": ("s", r"$n$: loss"),
        "population_error_exponent": ("D", r"$N$: error"),
        "population_loss_exponent": ("v", r"$N$: loss"),
        "emergence_exponent": ("^", r"$k$: jump step"),
    }
    for i, (quantity, (marker, label)) in enumerate(measured.items()):
        c = figures.color(i, len(measured))
        figures.points(ax_exp, summarise(data[data["quantity"] == quantity], ["alpha"]), "alpha", color=c, marker=marker, markersize=3.5,
                       markerfacecolor="none" if "loss" in quantity else c, label=label)
    ax_exp.set_xlabel(r"Zipf exponent $\alpha$")
    ax_exp.set_ylabel("fitted exponent")
    ax_exp.set_title("(f) fitted exponents")
    exponents = [Line2D([], [], color=figures.THEORY, linewidth=0.8, linestyle=style, label=label)
                 for style, label in (("-", r"T7: $\alpha/(1+\alpha)$"), ("--", r"T7: $\alpha$"), (":", r"T7: $1+\alpha$"))]
    figures.beside(ax_exp, handles=[*ax_exp.get_legend_handles_labels()[0], *exponents], handlelength=1.2)

    for ax in (ax_n, ax_size, ax_jump):
        ax.set_xscale("log")
        ax.set_yscale("log")
    theory = [Line2D([], [], color=figures.THEORY, label="(a) Hutter's $E_n$; (b, e) slope of T7 (lines)")]
    figures.below(fig, handles=[*ax_n.get_legend_handles_labels()[0], *theory], ncol=4)
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()

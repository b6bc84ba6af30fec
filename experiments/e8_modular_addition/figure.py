"""Figure E8: a capability jump on (a + b) mod p under the label mixture.

(a) clean test accuracy over steps, one colour per rho (mean over seeds; the jump level 1/2 and chance
1/p as grey lines); (b) the jump step's delay jump(rho)/jump(1) against rho, with T6's delay carried to
the jump (solid) and 1/rho (dotted); (c) after training, accuracy on the training pairs that kept the
rule's label, on the random ones, and on the test pairs (clean), against rho; (d) the gradient signal
|G(rho)|^2/|G(1)|^2 at initialisation with T2's rho^2 (solid).  The smallest training fraction is shown.
"""
import matplotlib.pyplot as plt
import numpy as np

from experiments.common import figures
from experiments.common.stats import summarise
from experiments.e8_modular_addition.spec import JUMP_LEVEL
from theory.deep_linear import t6_jump_delay


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    f = float(data["train_fraction"].min())
    data = data[data["train_fraction"] == f]
    p = int(data["modulus"].iloc[0])
    cell = ["rho", "step"]
    steps = int(data["step"].max())
    final = data[data["step"] == steps]
    dials = sorted(data["rho"].unique())
    fig, axes = plt.subplots(1, 4, figsize=(figures.WIDTH, 2.0))
    fig.subplots_adjust(wspace=0.7)

    # (a) clean test accuracy over training
    for i, r in enumerate(dials):
        s = summarise(data[(data["rho"] == r) & (data["quantity"] == "test_accuracy_curve")], cell)
        axes[0].plot(s["step"], s["mean"], color=figures.color(i, len(dials)), label=rf"$\rho$={r:g}")
    for level in (JUMP_LEVEL, 1 / p):
        axes[0].axhline(level, color="0.6", linewidth=0.5)
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("clean test accuracy")
    axes[0].set_title(f"(a) p={p}, f={f:g}")
    axes[0].set_ylim(-0.02, 1.4)  # room for the legend above the curves
    axes[0].legend(frameon=False, ncol=3, fontsize=4.5, loc="upper left", columnspacing=0.8, handlelength=1.2)

    # (b) the jump's delay against T6's
    delay = final[(final["quantity"] == "jump_delay") & (final["rho"] > 2 / p)]
    if delay["value"].notna().any():
        figures.points(axes[1], summarise(delay.dropna(subset=["value"]), cell), "rho", color="k", marker="o")
    missing = int(delay["value"].isna().sum())
    if missing:  # a run with no jump within the steps has a delay of at least steps / jump step at rho = 1
        never = delay.groupby("rho")["value"].apply(lambda v: v.isna().all())
        bound = steps / final[(final["quantity"] == "jump_step") & (final["rho"] == 1.0)]["value"].mean()
        axes[1].plot(never.index[never], np.full(int(never.sum()), bound), linestyle="none", marker="^", color="C3",
                     markersize=3.5, label="no jump: bound")
        axes[1].text(0.02, 0.02, f"{missing} of {len(delay)} runs: no jump", transform=axes[1].transAxes, fontsize=6.5)
    dial = np.linspace(2.5 / p, 1, 200)  # T6's half-time needs rho > 2/p
    axes[1].plot(dial, t6_jump_delay(dial, p), color="C0", label="T6")
    axes[1].plot(dial, 1 / dial, color="C0", linestyle=":", label=r"$1/\rho$")
    axes[1].set_yscale("log")
    axes[1].set_xlabel(r"dial $\rho$")
    axes[1].set_ylabel("delay of the jump")
    axes[1].set_title(r"(b) jump step / at $\rho$=1")
    axes[1].legend(frameon=False)

    # (c) memorised and generalised, after training
    for quantity, label, marker in (("train_accuracy_rule", "train, rule", "o"), ("train_accuracy_random", "train, random", "s"),
                                    ("test_accuracy_curve", "test, clean", "^")):
        rows = final[final["quantity"] == quantity].dropna(subset=["value"])  # no rule pairs at rho = 0, no random ones at 1
        figures.points(axes[2], summarise(rows, cell), "rho", marker=marker, label=label)
    axes[2].axhline(1 / p, color="0.6", linewidth=0.5)
    axes[2].set_xlabel(r"dial $\rho$")
    axes[2].set_ylabel("accuracy after training")
    axes[2].set_title("(c) memorised and learned")
    axes[2].legend(frameon=False, fontsize=5)

    # (d) gradient signal at initialisation
    signal = final[final["quantity"] == "grad_signal_ratio"]
    figures.points(axes[3], summarise(signal, cell), "rho", color="k", marker="o")
    axes[3].plot(np.linspace(0, 1, 100), np.linspace(0, 1, 100) ** 2, color="C0", label=r"T2: $\rho^2$")
    share = summarise(final[final["quantity"] == "grad_noise_part"], cell)  # the claim's prediction adds the random labels' share
    axes[3].plot(share["rho"], share["rho"] ** 2 + share["mean"], color="C0", linestyle="--", label="+ finite-sample share")
    axes[3].set_xlabel(r"dial $\rho$")
    axes[3].set_ylabel(r"$|G(\rho)|^2 / |G(1)|^2$")
    axes[3].set_title("(d) signal at init")
    axes[3].legend(frameon=False, loc="center left")
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()

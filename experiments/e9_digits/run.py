"""E9: natural data on the dial (paper section "The middle of the dial: a capability jump, and natural data", E9).

Data: scikit-learn's bundled handwritten digits (1797 images of 8x8 pixels, V = 10 classes), split
once into a fixed test set and a training pool (the same for every seed).  A training set is the
first n images of the pool.  Each training image keeps its true digit with probability rho and
otherwise gets a uniformly random one, in one of two noises (config ``noise``):

    frozen  drawn once per image and seed: one uniform draw u per image decides (u < rho keeps the digit),
            so raising rho only returns images to their digits and every rho of a seed shares its
            randomised labels; a network can memorise them
    fresh   redrawn at every step (every full-batch epoch) from the seed's stream, shared by the rho of a seed
            in the same way; more steps average them away

The test set is scored against the true digits.

Model: a one-hidden-layer ReLU network on the 64 pixels (scaled to [0, 1]), initialised by the seed
alone (so the members of one seed differ only in their labels), trained full-batch with Adam at a
constant step size.  Every rho x seed of one training-set size trains at once: the members share
the images, so the first layer of E members is one matrix product, (E H, D) times the images' (D, n),
and the readout gives each member's logits classes first, (E, V, n), so that the softmax over the ten
classes runs in vectors across the images.  The gradient of each member's mean cross-entropy is written
out in closed form (softmax minus one-hot, back through the readout, the ReLU and the first layer, whose
weights' gradient is again one product for the E members; tests/experiments/test_digits.py checks it
against autograd) and handed to torch's fused Adam.  The members train in chunks small enough that a
chunk's hidden activations stay in the CPU's cache (experiments/common/chunks.py, as E8's), under one
Adam over all chunks (Adam acts elementwise).  The chunks are fixed by the member count, n and the width,
so a run stays a pure function of config and seeds (another chunking can move a member's numbers within
float rounding: MKL picks its batched products' kernels by shape).

    clean_accuracy          test accuracy against the true digits, after training
    memoriser_accuracy      the clean test accuracy of a 1-nearest-neighbour learner on the member's training images and
                            frozen labels, computed from the data alone (frozen noise only)
    clean_accuracy_drop     the same seed's and noise's clean accuracy at rho = 1 minus this member's
    structure_margin        the same seed's clean accuracy at rho = 1 minus chance, 1/V (E7's naive drop is (1 - rho) x it)
    noisy_test_loss         test cross-entropy under the label mixture's exact distribution
    noisy_accuracy_gap      accuracy on one frozen mixture draw of test labels minus rho a + (1 - rho)/V
    fit_step                the first step at which the member fits every training label (fresh noise: every true
                            digit; NaN: never)
    train_accuracy_true     curves over training (column step): accuracy on the images that kept their digit (fresh:
                            on every image, against its digit),
    train_accuracy_random   on the randomised images against their random labels (frozen only),
    test_accuracy_curve     and clean test accuracy

    python -m experiments.e9_digits.run --seeds 0 1 --config '{...}' --out results/digits/all.csv --manifest ...
"""
import itertools
from importlib.metadata import version

import numpy as np
import pandas as pd
import torch
from sklearn.datasets import load_digits
from sklearn.neighbors import KNeighborsClassifier

from experiments.common import runs
from experiments.common.chunks import member_slices
from experiments.common.device import CPU, chunks_on, to_device
from experiments.common.models import count_loss_gradient, linear_init
from experiments.common.progress import Progress
from experiments.common.streams import rng_for
from experiments.e9_digits.spec import N_CLASSES


def check(config: dict) -> None:
    """Refuse a config the data cannot serve, before any training."""
    if 1.0 not in config["rho"]:
        raise ValueError(f"rho {config['rho']} lacks 1: every member is compared with its seed's member at rho = 1")
    n_images = len(load_digits().target)
    pool = n_images - config["test_images"]
    if pool < 1:
        raise ValueError(f"test_images = {config['test_images']} leaves no training images of {n_images}")
    if max(config["train_sizes"]) > pool:
        raise ValueError(f"train_sizes {config['train_sizes']}: the largest exceeds the training pool of {pool} images")


def split(test_images: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pixels in [0, 1] and digits of the training pool and of the test set; the split is fixed (not seeded)."""
    digits = load_digits()
    order = rng_for(0, "digits_split").permutation(len(digits.target))
    pixels = (digits.data / 16.0).astype(np.float32)  # (1797, 64); pixel values are 0..16
    test, pool = order[:test_images], order[test_images:]
    return pixels[pool], digits.target[pool], pixels[test], digits.target[test]


def mixture_labels(seed: int, digits: np.ndarray, rho: float, n_classes: int = N_CLASSES, tag: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Labels of the rho mixture and which images kept their digit, frozen per image and seed.

    The draws depend on the seed and the images' count only (not on rho): u < rho keeps the digit."""
    rng = rng_for(seed, "digits_labels", tag, len(digits))
    keep = rng.random(len(digits)) < rho
    return np.where(keep, digits, rng.integers(n_classes, size=len(digits))), keep


def fresh_draws(seed: int, digits: np.ndarray, rhos: list[float], n_classes: int = N_CLASSES):
    """Fresh noise: at every call the labels of every rho of the seed, redrawn from the seed's own stream as
    mixture_labels draws them once (u < rho keeps the digit), (len(rhos), n)."""
    rng = rng_for(seed, "digits_labels", "fresh", len(digits))
    while True:
        keep, random = rng.random(len(digits)), rng.integers(n_classes, size=len(digits))
        yield np.stack([np.where(keep < r, digits, random) for r in rhos])


def memoriser_accuracy(pixels: np.ndarray, labels: np.ndarray, test_pixels: np.ndarray, test_digits: np.ndarray) -> float:
    """The clean test accuracy of a 1-nearest-neighbour learner (Euclidean, on the pixels) that memorises every
    training label: the memoriser theory of frozen noise (Cover & Hart 1967), computed from the data alone."""
    return float((KNeighborsClassifier(n_neighbors=1).fit(pixels, labels).predict(test_pixels) == test_digits).mean())


def init_members(seeds: list[int], n_inputs: int, hidden: int) -> dict[str, torch.Tensor]:
    """One member per seed, initialised as torch.nn.Linear by the seed alone (E, ...)."""
    members = []
    for seed in seeds:
        generator = torch.Generator().manual_seed(seed)
        members.append({
            "W1": linear_init(generator, (n_inputs, hidden), n_inputs),
            "b1": linear_init(generator, (hidden,), n_inputs),
            "W2": linear_init(generator, (hidden, N_CLASSES), hidden),
            "b2": linear_init(generator, (N_CLASSES,), hidden),
        })
    return {name: torch.stack([m[name] for m in members]) for name in members[0]}


def readout_first(params: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The same network stored for the products below: W1 (E, D, H) becomes W1t (E, H, D), and the readout
    is stored classes first, W2 (E, H, V) becomes readout (E, V, H)."""
    return {"W1t": params["W1"].transpose(1, 2).contiguous(), "b1": params["b1"],
            "readout": params["W2"].transpose(1, 2).contiguous(), "b2": params["b2"]}


def forward(params: dict[str, torch.Tensor], pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Every member's hidden activations on shared images (N, D), hidden units first (E, H, N), and its logits
    classes first (E, V, N); params as readout_first gives them.  The first layer is one product for all members."""
    e, h, d = params["W1t"].shape
    hidden = torch.addmm(params["b1"].view(e * h, 1), params["W1t"].view(e * h, d), pixels.T).relu_().view(e, h, -1)
    return hidden, torch.baddbmm(params["b2"][:, :, None], params["readout"], hidden)


def gradient(params, pixels, hidden, logits, target) -> dict[str, torch.Tensor]:
    """Each member's gradient of its mean cross-entropy over the images, in closed form: (softmax minus one-hot) / n
    at the logits, back through the readout, the ReLU and the first layer.

    target: each member's one-hot labels over n, classes first (E, V, n); hidden and logits as forward gives them on
    pixels (n, D).  The readout's gradient is formed classes first, the first layer's for all members as one product."""
    e, h, d = params["W1t"].shape
    d_logits = count_loss_gradient(logits, target, 1.0 / len(pixels))  # (E, V, n)
    d_hidden = torch.bmm(params["readout"].transpose(1, 2), d_logits)  # (E, H, n)
    torch.ops.aten.threshold_backward.grad_input(d_hidden, hidden, 0, grad_input=d_hidden)  # through the ReLU, in place: autograd's own kernel
    return {"W1t": torch.mm(d_hidden.view(e * h, -1), pixels).view(e, h, d), "b1": d_hidden.sum(2),
            "readout": torch.bmm(d_logits, hidden.transpose(1, 2)), "b2": d_logits.sum(2)}


def member_chunks(members: int, n: int, hidden: int) -> list[slice]:
    """Consecutive slices of the members, each holding about CACHE_BYTES of hidden activations (experiments/common/chunks.py)."""
    return member_slices(members, n * hidden * 4)  # float32 activations


def train_size_group(config: dict, seeds: list[int], n: int, data, device: torch.device = CPU) -> list[dict]:
    """Train every rho x seed member on the first n pool images, on ``device`` (labels and initialisations drawn on
    the CPU); return its tidy rows."""
    pool_x, pool_y, test_x, test_y = data
    cells = list(itertools.product(config["noise"], config["rho"], seeds))
    drawn = [mixture_labels(s, pool_y[:n], r) for _, r, s in cells]
    fresh = [i for i, (noise, _, _) in enumerate(cells) if noise == "fresh"]
    streams = {s: fresh_draws(s, pool_y[:n], config["rho"]) for s in seeds}
    labels = torch.tensor(np.stack([y for y, _ in drawn]), device=device)  # (E, n): frozen labels; fresh members' are redrawn every step
    kept = torch.tensor(np.stack([k for _, k in drawn]), device=device)  # (E, n) bool
    scored = labels.clone()  # what the training curves score against: a frozen member's labels, a fresh one's true digits
    scored[fresh], kept[fresh] = torch.tensor(pool_y[:n], device=device), True
    x, x_test, y_test = (torch.tensor(a, device=device) for a in (pool_x[:n], test_x, test_y))
    chunks = chunks_on(device, len(cells), member_chunks(len(cells), n, config["hidden"]))
    params = to_device(readout_first(init_members([s for _, _, s in cells], x.shape[1], config["hidden"])), device)
    leaves = [{name: value[chunk].clone() for name, value in params.items()} for chunk in chunks]
    optimizer = torch.optim.Adam([t for leaf in leaves for t in leaf.values()], lr=config["learning_rate"], fused=True)
    classes = torch.arange(N_CLASSES, device=device)[:, None]
    target = (labels[:, None] == classes) / n  # (E, V, n): one-hot over n, classes first
    rho_index = {r: j for j, r in enumerate(config["rho"])}

    def test_logits():  # every member's logits on the test set, classes first (E, V, T)
        return torch.cat([forward(leaf, x_test)[1] for leaf in leaves])

    steps, every = config["steps"], config["record_every"]
    fit_step = torch.full((len(cells),), float("nan"), device=device)
    train_guesses = torch.zeros(labels.shape, dtype=torch.long, device=device)  # (E, n): each member's argmax at this step
    curves = []
    progress = Progress(f"digits, n = {n}, {len(cells)} members", steps + 1)  # in the job's log
    for step in range(steps + 1):
        if fresh and step < steps:  # fresh noise: every rho of a seed redraws its labels from the seed's stream
            draws = {s: next(stream) for s, stream in streams.items()}
            now = torch.tensor(np.stack([draws[cells[i][2]][rho_index[cells[i][1]]] for i in fresh]), device=device)
            target[fresh] = (now[:, None] == classes) / n
        for chunk, leaf in zip(chunks, leaves):
            hidden, out = forward(leaf, x)  # (e, H, n), (e, V, n)
            train_guesses[chunk] = out.max(1).indices  # the argmax (the first of equal maxima), in a faster kernel
            if step < steps:  # backward: each member's mean cross-entropy on its own labels, in closed form
                for name, value in gradient(leaf, x, hidden, out, target[chunk]).items():
                    leaf[name].grad = value
        # record: exact per-step fit detection, curves every record_every steps
        right = train_guesses == scored  # (E, n)
        fitted = right.all(dim=1) & torch.isnan(fit_step)
        fit_step[fitted] = float(step)
        if step % every == 0 or step == steps:
            test_right = (test_logits().max(1).indices == y_test).float().mean(1)
            curves.append((step, _masked_mean(right, kept).cpu(), _masked_mean(right, ~kept).cpu(), test_right.cpu()))
        if step < steps:
            optimizer.step()
        progress.update(step + 1)

    # measure on the test set: clean accuracy, the mixture's exact loss, one frozen noisy draw
    test_log_probs = torch.log_softmax(test_logits().transpose(1, 2).contiguous(), -1).double().cpu().numpy()  # (E, T, V): rows alike, whatever E
    guesses = test_log_probs.argmax(-1)
    clean = (guesses == test_y).mean(1)
    rhos = np.array([r for _, r, _ in cells])
    clean_log_prob = np.take_along_axis(test_log_probs, test_y[None, :, None], 2)[..., 0].mean(1)
    noisy_loss = -(rhos * clean_log_prob + (1 - rhos) * test_log_probs.mean(2).mean(1))
    noisy_test = np.stack([mixture_labels(s, test_y, r, tag="test")[0] for _, r, s in cells])
    noisy_gap = (guesses == noisy_test).mean(1) - (rhos * clean + (1 - rhos) / N_CLASSES)
    at_structure = {(noise, s): clean[i] for i, (noise, r, s) in enumerate(cells) if r == 1.0}
    drop = np.array([at_structure.get((noise, s), np.nan) - clean[i] for i, (noise, r, s) in enumerate(cells)])
    margin = np.array([at_structure.get((noise, s), np.nan) - 1 / N_CLASSES for noise, _, s in cells])
    memoriser = np.array([memoriser_accuracy(pool_x[:n], labels[i].cpu().numpy(), test_x, test_y) if noise == "frozen" else np.nan
                          for i, (noise, _, _) in enumerate(cells)])

    base = {"hidden": config["hidden"], "test_images": config["test_images"], "train_size": n}
    finals = {"clean_accuracy": clean, "memoriser_accuracy": memoriser, "clean_accuracy_drop": drop, "structure_margin": margin,
              "noisy_test_loss": noisy_loss, "noisy_accuracy_gap": noisy_gap, "fit_step": fit_step.cpu().numpy()}
    rows = [{**base, "noise": noise, "rho": r, "seed": s, "step": steps, "quantity": q, "value": float(v[i])}
            for q, v in finals.items() for i, (noise, r, s) in enumerate(cells) if not (q == "memoriser_accuracy" and noise == "fresh")]
    for step, true_acc, random_acc, test_acc in curves:
        for q, v in (("train_accuracy_true", true_acc), ("train_accuracy_random", random_acc), ("test_accuracy_curve", test_acc)):
            rows += [{**base, "noise": noise, "rho": r, "seed": s, "step": step, "quantity": q, "value": float(v[i])}
                     for i, (noise, r, s) in enumerate(cells)]
    return rows


def _masked_mean(right: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Each member's accuracy over its masked images (E,); NaN where it has none."""
    count = mask.sum(1)
    return torch.where(count > 0, (right & mask).sum(1) / count.clamp(min=1), torch.nan)


def run(config: dict, seeds: list[int], device: torch.device = CPU) -> pd.DataFrame:
    check(config)
    data = split(config["test_images"])
    return pd.DataFrame([row for n in config["train_sizes"] for row in train_size_group(config, seeds, n, data, device)])


def main() -> None:
    args = runs.parser(__doc__).parse_args()
    started = runs.start(args)
    runs.finish(args, run(args.config, args.seeds, args.device), started, scikit_learn=version("scikit-learn"))  # the data set's version


if __name__ == "__main__":
    main()

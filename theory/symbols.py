"""The symbols of the paper, declared once, and how each is printed (paper section "The structure dial" and
the derivations appendix): one letter per meaning across the paper.

rho   the label-mixture dial: with probability rho the label is the rule's, else uniform
V     number of classes
K     number of keys of the lookup-table rule
m     training samples per key
B     minibatch size

Most symbols print as SymPy prints their names (Greek names as Greek letters, ``p_hat`` as \\hat{p},
``Gcal`` as \\mathcal{G}).  :data:`LATEX` is the one table of the others: text subscripts set upright,
and left-hand sides that name a quantity rather than a symbol are :class:`Tex`.
"""
import sympy as sp

rho = sp.Symbol("rho", positive=True)  # 0 < rho < 1 inside derivations; the ends are limits
V = sp.Symbol("V", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)
B = sp.Symbol("B", integer=True, positive=True)

# Theory targets T4-T8 (least squares, gradient flow, deep linear networks, Zipf skills, capacity).
n = sp.Symbol("n", integer=True, positive=True)  # training samples (samples seen, for the Zipf learners)
d = sp.Symbol("d", integer=True, positive=True)  # features of the least-squares model
sigma = sp.Symbol("sigma", positive=True)  # standard deviation of the regression label noise
r = sp.Symbol("r", positive=True)  # norm of the linear teacher, printed |beta| (the letter r is T5's residual)
t = sp.Symbol("t", nonnegative=True)  # training time, learning rate x steps
a = sp.Symbol("a", positive=True)  # spectrum exponent: eigenvalues lambda_j = j^(-2a)
b = sp.Symbol("b", positive=True)  # teacher exponent: teacher weights j^(-b) on the eigenbasis
s = sp.Symbol("s", positive=True)  # strength (singular value) of one input-output mode; a skill's target strength
u0 = sp.Symbol("u_0", positive=True)  # a mode's strength at the small balanced initialisation
eta = sp.Symbol("eta", positive=True)  # learning rate
alpha = sp.Symbol("alpha", positive=True)  # Zipf exponent: skill k is seen with probability proportional to k^-(1+alpha)
k = sp.Symbol("k", integer=True, positive=True)  # rank of a skill by frequency, 1 the most frequent
N = sp.Symbol("N", integer=True, positive=True)  # parameters (weights) of a model
P = sp.Symbol("P", integer=True, positive=True)  # random labels to be stored: points with binary labels, or facts
sigma_eff = sp.Symbol("sigma_eff", positive=True)  # standard deviation of the rho mixture's effective regression noise


class Tex(sp.Symbol):
    """A quantity named by LaTeX typed once, printed as written (a left-hand side such as \\mathbb{E}\\,\\mathrm{KL})."""

    def _latex(self, printer) -> str:
        return self.name


class Log2(sp.Function):
    """The binary logarithm, printed \\log_2; :meth:`doit` gives the natural logarithms SymPy reasons with."""

    def doit(self, **hints):
        return sp.log(self.args[0].doit(**hints)) / sp.log(2)

    def _latex(self, printer) -> str:
        return rf"\log_2 {printer._print(self.args[0])}"


LATEX = {  # symbols whose names SymPy does not print as the paper writes them
    r: r"\|\beta\|",
    sigma_eff: r"\sigma_{\mathrm{eff}}",
    sp.Symbol("ystar_k", real=True): r"y^{\star}_{k}",  # the teacher's part of a label's mode (T5)
    sp.Symbol("n_r", positive=True): r"n_{\mathrm{r}}",  # the number of replicas (T8, the noisy teacher)
}

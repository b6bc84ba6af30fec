"""The symbols of the paper, declared once (paper section "The structure dial").

rho   the label-mixture dial: with probability rho the label is the rule's, else uniform
V     number of classes
K     number of keys of the lookup-table rule
m     training samples per key
B     minibatch size
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
r = sp.Symbol("r", positive=True)  # norm of the linear teacher
t = sp.Symbol("t", nonnegative=True)  # training time, learning rate x steps
a = sp.Symbol("a", positive=True)  # spectrum exponent: eigenvalues lambda_j = j^(-2a)
b = sp.Symbol("b", positive=True)  # teacher exponent: teacher weights j^(-b) on the eigenbasis
s = sp.Symbol("s", positive=True)  # strength (singular value) of one input-output mode
u0 = sp.Symbol("u_0", positive=True)  # a mode's strength at the small balanced initialisation
eta = sp.Symbol("eta", positive=True)  # learning rate
alpha = sp.Symbol("alpha", positive=True)  # Zipf exponent: skill k is seen with probability proportional to k^-(1+alpha)
k = sp.Symbol("k", integer=True, positive=True)  # rank of a skill by frequency, 1 the most frequent
N = sp.Symbol("N", integer=True, positive=True)  # parameters (weights) of a model
P = sp.Symbol("P", integer=True, positive=True)  # random patterns (points with binary labels) to be stored

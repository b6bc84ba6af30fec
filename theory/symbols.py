"""The symbols of the paper, declared once (paper section "The two structure dials").

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

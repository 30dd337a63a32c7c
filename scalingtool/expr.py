"""A small expression grammar for exponents, evaluated exactly with Fractions.

Users write exponents such as ``2*beta/(1+beta)`` or ``min(beta, 1)*alpha`` in claims
files; the theory ships its derived formulas in the same language. Text is tokenised and
parsed by the recursive-descent grammar below -- never handed to ``eval`` or SymPy::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := ("+" | "-") unary | power
    power   := atom (("^" | "**") unary)?          (right-associative)
    atom    := NUMBER | NAME | FUNC "(" expr ("," expr)* ")" | "(" expr ")"
    FUNC    := min | max                           (case-insensitive)

Numbers are decimals or integers (``1.5``, ``2``, ``15e-1``) and evaluate to exact
rationals; powers must have an integer exponent (``alpha^2``, ``beta^-1``) so results stay
exact. Names are the variables the caller allows (``alpha``, ``beta`` by default).

Hostile text is bounded before it costs anything: at most ``_MAX_LENGTH`` characters and
``_MAX_TOKENS`` tokens (so no tree is deeper than the recursion can follow), nesting of
brackets, signs and powers at most ``_MAX_DEPTH``, and every value -- a literal or an
intermediate result -- at most ``_MAX_BITS`` bits in its numerator and denominator (about
1e330), checked before a power is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from .echo import shown
from .errors import UsageError

__all__ = ["Expr", "ExprDivisionByZero", "parse_expr_text", "evaluate"]

_MAX_LENGTH = 2000
_MAX_TOKENS = 400
_MAX_DEPTH = 64
_MAX_POWER = 64
_MAX_BITS = 1100
_TOKEN = re.compile(r"""
    \s*(?:
      (?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?)
     |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
     |(?P<op>\*\*|[-+*/^(),])
    )""", re.VERBOSE | re.ASCII)


def _bits(value: Fraction) -> int:
    return max(value.numerator.bit_length(), value.denominator.bit_length())


def _bounded(value: Fraction, text: str) -> Fraction:
    if _bits(value) > _MAX_BITS:
        raise UsageError(f"expression {shown(text)}: a value exceeds the allowed size "
                         f"({_MAX_BITS} bits, about 1e330)")
    return value



class ExprDivisionByZero(UsageError, ZeroDivisionError):
    """An expression divided by zero at the given values."""


@dataclass(frozen=True)
class Expr:
    """A parsed expression: its source text, syntax tree and variable names."""

    text: str
    tree: tuple
    names: frozenset[str]

    def __call__(self, **env: Fraction | int) -> Fraction:
        return evaluate(self, env)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    stripped = text.rstrip()
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if not match or match.end() == pos:
            raise UsageError(f"expression {shown(text)}: unexpected character "
                             f"{stripped[pos:].lstrip()[:1]!r} at position {pos + 1}")
        kind = match.lastgroup
        out.append((kind, match.group(kind)))
        if len(out) > _MAX_TOKENS:
            raise UsageError(f"expression {shown(text)}: too long (more than {_MAX_TOKENS} tokens)")
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str, names: frozenset[str]):
        self.text, self.names = text, names
        self.tokens = _tokens(text)
        self.i = 0
        self.used: set[str] = set()

    def error(self, what: str) -> UsageError:
        return UsageError(f"expression {shown(self.text)}: {what}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise self.error("ends too early" if value is None else f"expected {value!r} at the end")
        if value is not None and token[1] != value:
            raise self.error(f"expected {value!r}, found {token[1]!r}")
        self.i += 1
        return token

    def parse(self) -> tuple:
        if not self.tokens:
            raise self.error("is empty")
        tree = self.expr(0)
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()[1]!r}")
        return tree

    def nest(self, depth: int) -> int:
        """``depth + 1``, refused beyond ``_MAX_DEPTH`` (brackets, signs, powers, calls)."""
        if depth >= _MAX_DEPTH:
            raise self.error(f"is nested too deeply (at most {_MAX_DEPTH} levels)")
        return depth + 1

    def expr(self, depth: int) -> tuple:
        node = self.term(depth)
        while self.peek() and self.peek()[1] in "+-" and self.peek()[0] == "op":
            op = self.take()[1]
            node = ("bin", op, node, self.term(depth))
        return node

    def term(self, depth: int) -> tuple:
        node = self.unary(depth)
        while self.peek() and self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            node = ("bin", op, node, self.unary(depth))
        return node

    def unary(self, depth: int) -> tuple:
        token = self.peek()
        if token and token[0] == "op" and token[1] in "+-":
            self.take()
            inner = self.unary(self.nest(depth))
            return ("neg", inner) if token[1] == "-" else inner
        return self.power(depth)

    def power(self, depth: int) -> tuple:
        base = self.atom(depth)
        if self.peek() and self.peek()[1] in ("^", "**"):
            self.take()
            return ("bin", "^", base, self.unary(self.nest(depth)))
        return base

    def atom(self, depth: int) -> tuple:
        kind, value = self.take()
        if kind == "num":
            return ("num", _bounded(Fraction(value), self.text))
        if kind == "name":
            low = value.lower()
            if low in ("min", "max"):
                self.take("(")
                inner = self.nest(depth)
                args = [self.expr(inner)]
                while self.peek() and self.peek()[1] == ",":
                    self.take()
                    args.append(self.expr(inner))
                self.take(")")
                return ("call", low, tuple(args))
            if value not in self.names:
                allowed = ", ".join(sorted(self.names)) or "none"
                raise self.error(f"unknown name {value!r} (allowed: {allowed}, min, max)")
            self.used.add(value)
            return ("var", value)
        if value == "(":
            node = self.expr(self.nest(depth))
            self.take(")")
            return node
        raise self.error(f"unexpected {value!r}")


def parse_expr_text(text: str, names: Iterable[str] = ("alpha", "beta")) -> Expr:
    """Parse ``text`` in the grammar above; raise :class:`UsageError` naming the problem."""
    if not isinstance(text, str):
        raise UsageError(f"expression: expected text, got {type(text).__name__}")
    if len(text) > _MAX_LENGTH:
        raise UsageError(f"expression too long ({len(text)} characters; at most {_MAX_LENGTH})")
    parser = _Parser(text, frozenset(names))
    tree = parser.parse()
    return Expr(text, tree, frozenset(parser.used))


def _eval(node: tuple, env: dict[str, Fraction], text: str) -> Fraction:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "var":
        return env[node[1]]
    if kind == "neg":
        return -_eval(node[1], env, text)
    if kind == "call":
        values = [_eval(arg, env, text) for arg in node[2]]
        return min(values) if node[1] == "min" else max(values)
    op, left, right = node[1], _eval(node[2], env, text), _eval(node[3], env, text)
    if op in "+-*":
        return _bounded(left + right if op == "+" else left - right if op == "-" else left * right, text)
    if op == "/":
        if right == 0:
            raise ExprDivisionByZero(f"expression {shown(text)}: division by zero")
        return _bounded(left / right, text)
    if right.denominator != 1 or abs(right) > _MAX_POWER:
        raise UsageError(f"expression {shown(text)}: powers must be whole numbers up to {_MAX_POWER}, "
                         f"got {right if _bits(right) < 64 else 'a larger one'}")
    if left == 0 and right < 0:
        raise ExprDivisionByZero(f"expression {shown(text)}: division by zero")
    if _bits(left) * abs(int(right)) > 2 * _MAX_BITS:  # refuse before computing a huge power
        _bounded(Fraction(2) ** (2 * _MAX_BITS), text)
    return _bounded(left ** int(right), text)


def evaluate(expr: Expr | str, env: dict[str, Fraction | int]) -> Fraction:
    """The exact value of ``expr`` with the variables in ``env``."""
    if isinstance(expr, str):
        expr = parse_expr_text(expr, env.keys())
    missing = expr.names - env.keys()
    if missing:
        raise UsageError(f"expression {shown(expr.text)}: no value for {', '.join(sorted(missing))}")
    return _eval(expr.tree, {k: Fraction(v) for k, v in env.items()}, expr.text)

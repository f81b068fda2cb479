"""Loaded by schemathesis in crates/cli/tests/e2e/schemathesis.rs (the `hooks` setting).

CPython 3.11 can raise SystemError("AST constructor recursion depth mismatch") from ast.parse
when it runs deep in a recursion. Hypothesis parses source files to describe the lambdas in a
strategy's repr, and schemathesis builds such reprs while drawing nested request bodies, so the
run stopped with a runtime error on some operations. The description is only cosmetic: on that
error the lambda is described as unknown, as Hypothesis does for any source it cannot read.
"""

import sys

from hypothesis.internal import lambda_sources

_describe = lambda_sources._lambda_description


def _lambda_description(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


if sys.version_info < (3, 12):
    lambda_sources._lambda_description = _lambda_description

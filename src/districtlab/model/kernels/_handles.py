"""The registration that the kernels' handles share: one numba structref per handle, or plain Python.

For the six handles (:class:`~districtlab.model.kernels.streams.RandomStream`, ``DeliveryArrays``,
``HazardArrays``, ``TallyArrays``, ``AdoptionArrays``, ``RowArrays``): each holds a run's arrays
and constants (or a Generator) and crosses into kernels as one argument. A handle's class derives
from :class:`Handle` and its module calls :func:`register_handle` with its fields, binding the
returned type class to the name it is given (``_<Handle>Type``), so that numba's on-disk cache
can find it again by name in a later process.

Each handle keeps its own ``@njit(cache=True)`` constructor, written out field by field: numba
caches only functions defined in a source file (a constructor generated at run time, with
``exec``, has none, and would be compiled again in every process), and a structref's fields can
only be set one attribute at a time in compiled code.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numba
from numba.core import types
from numba.experimental import structref

#: (field, numba type) pairs of a handle, in the order its constructor takes them.
Fields = tuple[tuple[str, Any], ...]


def _unliteral_fields(self: types.StructRef, fields: Any) -> tuple[tuple[str, Any], ...]:
    """A handle's field types without literal values (an int field is any int, not the first one given)."""
    return tuple((name, types.unliteral(field_type)) for name, field_type in fields)


if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    class Handle:
        """A handle as plain Python: an object with its fields as attributes, given in order."""

        _fields: ClassVar[tuple[str, ...]] = ()

        def __init__(self, *values: Any) -> None:
            for name, value in zip(self._fields, values, strict=True):
                setattr(self, name, value)

else:

    class Handle(structref.StructRefProxy):  # type: ignore[no-redef]
        """A handle as Python sees a numba structref (kernels read and write its fields)."""


def register_handle(proxy: type[Handle], fields: Fields) -> tuple[Any, Any]:
    """Register ``proxy`` as a handle with ``fields``: (its structref type class, the numba type of a handle).

    The type class is named ``_<proxy>Type`` in ``proxy``'s module, where the caller binds it.
    With ``NUMBA_DISABLE_JIT=1`` the handle is plain Python: ``proxy`` takes its fields in order
    and both are None (a field that holds a handle then has no numba type).
    """
    if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]
        proxy._fields = tuple(name for name, _ in fields)
        return None, None
    name = f"_{proxy.__name__}Type"
    type_class = type(
        name,
        (types.StructRef,),
        {"preprocess_fields": _unliteral_fields, "__module__": proxy.__module__, "__qualname__": name},
    )
    structref.register(type_class)
    structref.define_boxing(type_class, proxy)
    return type_class, type_class(list(fields))

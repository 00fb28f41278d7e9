"""The registry: every layer type is complete, and the rest of CNN Lab picks it up from there."""

from __future__ import annotations

import dataclasses

import pytest

from cnnlab.design import spec
from cnnlab.design.editing import architecture, new_row
from cnnlab.design.layers import BY_TYPE, REGISTRY
from cnnlab.design.layers.base import CHECKS
from cnnlab.errors import LabError


@pytest.mark.parametrize("cls", REGISTRY, ids=lambda c: c.type)
def test_every_type_is_complete(cls) -> None:
    names = [f.name for f in dataclasses.fields(cls)]
    assert [f.name for f in cls.fields] == names  # every JSON key is an editor field, in order
    assert all(f.kind in CHECKS for f in cls.fields)
    assert cls.explanation and cls.short and cls.color.startswith("#")
    layer = spec.parse_layer({"type": cls.type, **cls.new}, 1)
    assert spec.parse_layer(spec.layer_to_dict(layer), 1) == layer  # JSON round trip
    assert layer.describe().startswith(cls.type)
    assert spec.layer_name(3, layer) == f"{cls.keras_name}_3"


def test_names_are_unique_and_the_spec_knows_every_type() -> None:
    assert len({cls.keras_name for cls in REGISTRY}) == len(REGISTRY)
    assert list(spec.LAYER_TYPES) == [cls.type for cls in REGISTRY]
    assert all(getattr(spec, name) is cls for name, cls in BY_TYPE.items())


@pytest.mark.parametrize("kind", list(BY_TYPE))
def test_the_editor_can_insert_every_type(kind: str) -> None:
    """A fresh row of any type after a conv, then Flatten and Dense(10), is a design."""
    rows = [new_row("Conv2D", 1), new_row(kind, 2), new_row("Flatten", 3), new_row("Dense", 4)]
    if kind in ("Flatten", "GlobalAveragePooling2D"):
        rows.pop(2)
    assert architecture(rows).layers[1].type == kind


def test_unknown_types_name_the_known_ones() -> None:
    with pytest.raises(LabError, match="SeparableConv2D"):
        spec.parse_layer({"type": "Conv3D"}, 1)

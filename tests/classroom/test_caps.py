"""validation.check: analyze plus the server caps, each refusal naming the cap and the fix."""

from __future__ import annotations

import pytest

from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError
from cnnlab.classroom.limits import DEFAULT_LIMITS, Limits
from cnnlab.design.spec import (Architecture, Conv2D, Dense, Flatten, MaxPooling2D, ResidualBlock,
                         GlobalAveragePooling2D)
from cnnlab.classroom.caps import check

HEAD = (Flatten(), Dense(10, "softmax"))


def test_a_design_within_the_caps_returns_its_summary() -> None:
    arch = Architecture((Conv2D(8, (3, 3)), MaxPooling2D()) + HEAD)
    assert check(arch) == analyze(arch)


def test_units_cap_names_layer_cap_and_fix() -> None:
    arch = Architecture((Flatten(), Dense(100_000), Dense(10, "softmax")))
    with pytest.raises(LabError) as info:
        check(arch)
    assert info.value.layer == 2
    assert str(info.value) == ("Layer 2 (Dense): 100,000 units is above this server's cap of "
                               f"{DEFAULT_LIMITS.max_units:,} units per layer; use fewer units.")


@pytest.mark.parametrize("layer, words", [
    (Conv2D(600, (3, 3)), "filters"),
    (ResidualBlock(600), "filters"),
    (Conv2D(4, (29, 3), padding="same"), "kernel size"),
    (MaxPooling2D((1, 29), padding="same"), "pool size"),
])
def test_layer_caps(layer, words: str) -> None:
    with pytest.raises(LabError, match=f"Layer 1 .*{words}.*cap") as info:
        check(Architecture((layer, GlobalAveragePooling2D(), Dense(10, "softmax"))))
    assert info.value.layer == 1


def test_caps_are_checked_before_the_arithmetic() -> None:
    """A huge kernel is refused for the cap, not explained as a shape problem."""
    with pytest.raises(LabError, match="cap"):
        check(Architecture((Conv2D(4, (100, 100)),) + HEAD))


def test_layer_count_cap() -> None:
    arch = Architecture((Conv2D(2, (1, 1)),) * 4 + HEAD)
    check(arch, Limits(max_layers=6))
    with pytest.raises(LabError, match="6 layers.*cap of 5 layers"):
        check(arch, Limits(max_layers=5))


def test_parameter_cap_points_at_the_largest_layer() -> None:
    arch = Architecture((Conv2D(4, (3, 3)), Flatten(), Dense(512), Dense(10, "softmax")))
    total = analyze(arch).total_params
    check(arch, Limits(max_params=total))
    with pytest.raises(LabError, match=f"{total:,} parameters.*layer 3 \\(Dense 512") as info:
        check(arch, Limits(max_params=total - 1))
    assert info.value.layer == 3


def test_shape_errors_still_come_through() -> None:
    with pytest.raises(LabError, match="padding='same'"):
        check(Architecture((MaxPooling2D((20, 20)), Conv2D(4, (3, 3))) + HEAD))

"""Ready-made designs, each chosen to teach one idea; students load one and change it.

The parameter counts quoted in the course (cnn_a: 104,202; cnn_c: 225,034) are what
`analyze` and Keras report for these stacks; tests/design/test_presets.py checks both.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from cnnlab.design.spec import (Activation, Architecture, AveragePooling2D, BatchNormalization,
                                Conv2D, Dense, DepthwiseConv2D, Dropout, Flatten,
                                GlobalAveragePooling2D, MaxPooling2D, ReLU, ResidualBlock,
                                SeparableConv2D, ZeroPadding2D)


@dataclass(frozen=True)
class Preset:
    """A named design with one paragraph on what it teaches."""

    key: str
    title: str
    explanation: str
    arch: Architecture


def _conv(filters: int, size: int = 3, padding: str = "valid", activation: str = "relu",
          strides: int = 1) -> Conv2D:
    return Conv2D(filters, (size, size), (strides, strides), padding, activation)


def _pool(size: int = 2, strides: int | None = None) -> MaxPooling2D:
    return MaxPooling2D((size, size), None if strides is None else (strides, strides))


_HEAD = (Flatten(), Dense(128, "relu"), Dense(10, "softmax"))
_LIST = [
    Preset("recommended", N_("Recommended: a fast, accurate CNN"),
           N_("The default for training and the model shipped with CNN Lab: two 3x3 valid "
           "convolutions, each followed by 2x2 max pooling (28 -> 26 -> 13 -> 11 -> 5), then "
           "Dropout before and after one Dense(128) layer and the softmax. Few multiply-adds make "
           "it quick to train on a CPU, and Dropout keeps it from memorizing: with Adam (learning "
           "rate 0.001, batches of 128) it reaches about 99.0% test accuracy after 4 epochs and "
           "about 99.2% after 10 to 12."),
           Architecture((_conv(32), _pool(), _conv(64), _pool(),
                         Flatten(), Dropout(0.4), Dense(128, "relu"), Dropout(0.4),
                         Dense(10, "softmax")))),
    Preset("fast", N_("Fast to 99%: LeNet's shape, two 5x5 convolutions, one-cycle"),
           N_("Built for the time it takes to reach 99% test accuracy on a CPU (train it with the "
           "Train page's fast recipe: Adam at a peak learning rate of 0.01 with the one-cycle "
           "schedule, batches of 128, 2 epochs). It has the shape of LeCun's LeNet-5: two 5x5 "
           "valid convolutions, each followed by 2x2 max pooling (28 -> 24 -> 12 -> 8 -> 4), and "
           "the softmax straight on the 4x4x32 map. Where its 1,054,720 multiply-adds per image "
           "go: the first convolution, 16 filters on the full 24x24 map (230,400, 22%); the "
           "second, 32 filters of 16 channels on 8x8 (819,200, 78%); the classifier 5,120 (under "
           "1%). The recommended design needs 2.6 million (this one: 40%), but the count is only half "
           "of the story: each of its few layers does a lot of arithmetic per call, so the "
           "processor spends its time multiplying instead of paying the fixed cost every layer "
           "has at every step (BatchNormalization and many small layers add that cost: an "
           "earlier version of this preset with three BatchNorm layers had fewer multiply-adds "
           "and trained at a third of the speed). Why 2 epochs suffice instead of 4: a 5x5 "
           "kernel sees a larger part of the digit from the first layer on, and one-cycle warms "
           "up to a learning rate ten times Adam's usual over the first quarter of the steps, "
           "then glides down to a hundredth of it so the last steps settle into a good minimum."),
           Architecture((_conv(16, 5), _pool(), _conv(32, 5), _pool(), Flatten(),
                         Dense(10, "softmax")))),
    Preset("dense_baseline", N_("Dense baseline (no convolution)"),
           N_("A plain multilayer perceptron: Flatten throws away the 2-D layout and every pixel "
           "gets its own weight to every hidden unit. Compare its parameter count and accuracy "
           "with the CNNs: convolutions share weights across positions, so they need far "
           "fewer parameters per feature and are not fooled by a digit moved a few pixels."),
           Architecture(_HEAD)),
    Preset("cnn_a", N_("CNN A: three conv layers, a small head"),
           N_("Three 3x3 valid convolutions (32, 64, 128 filters) with 2x2 max pooling between "
           "them, then Flatten straight into the 10-way softmax. Shows how valid padding and "
           "pooling shrink the map (28 -> 26 -> 13 -> 11 -> 5 -> 3) so that the classifier "
           "sees only 3x3x128 = 1,152 numbers: 104,202 parameters in all."),
           Architecture((_conv(32), _pool(), _conv(64), _pool(), _conv(128), Flatten(),
                         Dense(10, "softmax")))),
    Preset("cnn_b", N_("CNN B: three conv layers and a hidden Dense"),
           N_("The classic Keras tutorial CNN: conv 32, pool, conv 64, pool, conv 64, then a "
           "Dense(128) hidden layer before the softmax. Compare with CNN A: an extra hidden "
           "layer adds parameters but little accuracy when the features are already good."),
           Architecture((_conv(32), _pool(), _conv(64), _pool(), _conv(64)) + _HEAD)),
    Preset("cnn_c", N_("CNN C: two conv layers, a big Dense"),
           N_("Two conv/pool stages leave a 5x5x64 map; Flatten gives 1,600 numbers and the "
           "Dense(128) layer on top of them holds 204,928 of the 225,034 parameters. Shows that "
           "in a small CNN most parameters sit in the first Dense layer after Flatten."),
           Architecture((_conv(32), _pool(), _conv(64), _pool()) + _HEAD)),
    Preset("cnn_d", N_("CNN D: same padding and Dropout"),
           N_("Two 3x3 convolutions with same padding keep the full 28x28 resolution before one "
           "max pooling, and Dropout (0.25 after pooling, 0.5 before the softmax) fights "
           "overfitting. Costs many more multiply-adds and parameters (the 14x14x64 map is "
           "flattened into 12,544 numbers) - compare its speed with CNN C."),
           Architecture((_conv(32, padding="same"), _conv(64, padding="same"), _pool(),
                         Dropout(0.25), Flatten(), Dense(128, "relu"), Dropout(0.5),
                         Dense(10, "softmax")))),
    Preset("lenet5", N_("LeNet-5 (LeCun et al., 1998), adapted to 28x28"),
           N_("The first famous CNN: 5x5 convolutions with tanh and average pooling, then Dense "
           "120 -> 84 -> 10. The original took 32x32 images; same padding on the first "
           "convolution plays the role of that border, so the second one still sees 14x14 "
           "and leaves a 5x5x16 map, exactly as in the paper."),
           Architecture((_conv(6, 5, "same", "tanh"), AveragePooling2D(),
                         _conv(16, 5, "valid", "tanh"), AveragePooling2D(), Flatten(),
                         Dense(120, "tanh"), Dense(84, "tanh"), Dense(10, "softmax")))),
    Preset("vgg_small", N_("Small VGG: stacks of 3x3 convolutions"),
           N_("VGG's idea (Simonyan and Zisserman, 2014): two stacked 3x3 convolutions see a 5x5 "
           "window (watch the receptive field column) with fewer parameters than one 5x5, and "
           "with an extra nonlinearity. Two blocks of two same-padded convolutions, each "
           "block ending in max pooling, then a Dense head with Dropout."),
           Architecture((_conv(32, padding="same"), _conv(32, padding="same"), _pool(),
                         _conv(64, padding="same"), _conv(64, padding="same"), _pool(),
                         Flatten(), Dense(128, "relu"), Dropout(0.5), Dense(10, "softmax")))),
    Preset("resnet_small", N_("Small ResNet: residual blocks"),
           N_("Residual blocks (He et al., 2016) add their input back to their output, so a block "
           "only has to learn a correction and deep stacks stay trainable. The second block "
           "halves the map with stride 2 and doubles the channels, so its shortcut needs a 1x1 "
           "projection. BatchNormalization adds non-trainable moving statistics, and "
           "GlobalAveragePooling2D replaces Flatten, so the head has only 330 parameters."),
           Architecture((_conv(16, padding="same"), ResidualBlock(16), ResidualBlock(32, strides=(2, 2)),
                         ResidualBlock(32), GlobalAveragePooling2D(), Dense(10, "softmax")))),
    Preset("alexnet_small", N_("Small AlexNet: big early kernels"),
           N_("AlexNet (Krizhevsky et al., 2012) opened with 11x11 kernels at stride 4 to shrink "
           "large photos fast. Here a 7x7 stride-2 convolution and overlapping 3x3 stride-2 "
           "pooling do the same to 28x28 digits (28 -> 14 -> 6 -> 2), followed by three 3x3 "
           "convolutions and a Dropout-regularized Dense head. See how quickly the map shrinks "
           "and the receptive field grows."),
           Architecture((_conv(48, 7, "same", strides=2), _pool(3, 2), _conv(96, 5, "same"),
                         _pool(3, 2), _conv(128, padding="same"), _conv(128, padding="same"),
                         _conv(96, padding="same"), Flatten(), Dense(256, "relu"), Dropout(0.5),
                         Dense(256, "relu"), Dropout(0.5), Dense(10, "softmax")))),
    Preset("mobilenet_small", N_("Small MobileNet: depthwise separable convolutions"),
           N_("MobileNet (Howard et al., 2017) splits a convolution in two: a depthwise 3x3 kernel "
           "per channel, then a 1x1 convolution that mixes the channels. Layer 4's depthwise "
           "convolution learns 160 numbers where a Conv2D of the same shape needs 2,320, and "
           "the SeparableConv2D (layer 11) learns 2,400 instead of 18,496: read the saving in "
           "the parameter column. Bias-free convolutions before BatchNormalization, ReLU capped "
           "at 6 (ReLU6), a ZeroPadding2D border before the strided step, as Keras' MobileNet "
           "does, and GlobalAveragePooling2D instead of Flatten keep the whole net under "
           "5,000 parameters."),
           Architecture((Conv2D(16, (3, 3), (2, 2), "same", use_bias=False), BatchNormalization(),
                         ReLU(6.0), DepthwiseConv2D((3, 3), padding="same"), BatchNormalization(),
                         ReLU(6.0), Conv2D(32, (1, 1), use_bias=False), BatchNormalization(),
                         Activation("relu"), ZeroPadding2D((1, 1)),
                         SeparableConv2D(64, (3, 3), (2, 2), activation="relu"),
                         GlobalAveragePooling2D(), Dropout(0.2), Dense(10, "softmax")))),
]
PRESETS: dict[str, Preset] = {p.key: p for p in _LIST}


def get_preset(key: str) -> Preset:
    """The preset named `key`, or a LabError listing the names there are."""
    try:
        return PRESETS[key]
    except (KeyError, TypeError):
        raise LabError(_("There is no preset named {name}; choose one of {choices}.").format(
            name=repr(key), choices=", ".join(PRESETS))) from None

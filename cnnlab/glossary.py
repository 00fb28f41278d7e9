"""The course's terms in both languages, for the Glossary page (the catalogue uses the same ones).

The course material is written in Chinese first; these are the words it uses, each beside the
English one the Keras documentation and the pages' English text use, with one line on meaning.
"""

from __future__ import annotations

from cnnlab.i18n import N_, _

# (English term, the course's Chinese term, what it means, written in English for the catalogue)
TERMS: tuple[tuple[str, str, str], ...] = (
    ("kernel", "卷积核", N_("The small grid of weights a convolution slides over its input.")),
    ("stride", "步长", N_("How many pixels the kernel or pooling window moves at each step.")),
    ("padding", "填充", N_("Zeros added around the input so the kernel can also sit on its "
                          "border (same), or none (valid).")),
    ("pooling", "池化", N_("Shrinking a feature map by keeping the maximum or the average of "
                          "each window.")),
    ("feature map", "特征图", N_("One channel of a convolution's output: where its kernel found "
                              "its pattern.")),
    ("receptive field", "感受野", N_("How many input pixels one output value depends on.")),
    ("parameter count", "参数量", N_("How many weights and biases the network learns.")),
    ("dense layer", "全连接层", N_("A layer whose every output is connected to every input.")),
    ("confusion matrix", "混淆矩阵", N_("A table counting, for each true digit, which digit the "
                                   "network predicted.")),
    ("precision", "精确率", N_("Of the images predicted as a digit, the share that really are "
                            "it.")),
    ("recall", "召回率", N_("Of the images of a digit, the share the network finds.")),
    ("augmentation", "数据增强", N_("Randomly turning, shifting and zooming the training images "
                                "so the network generalizes.")),
    ("overfitting", "过拟合", N_("Memorizing the training images: training accuracy far above "
                              "validation accuracy.")),
    ("functional API", "函数式 API", N_("Keras' way of writing a model one call per layer, "
                                     "needed for skip connections.")),
)


def glossary_rows() -> list[dict[str, str]]:
    """One row per term: English, 中文 and the meaning in the current language."""
    return [{"English": english, "中文": chinese, _("Meaning"): _(meaning)}
            for english, chinese, meaning in TERMS]

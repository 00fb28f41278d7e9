"""Training recipes: settings that belong with a preset design, offered on the Train page.

A recipe only fills in the ordinary training settings (cnnlab.training.config.TrainConfig);
the student sees every value it sets and may change any of them.
"""

from __future__ import annotations

from typing import Any
from cnnlab.i18n import N_

# For the "fast" preset (cnnlab.design.presets): 99 % test accuracy in about two epochs.
FAST: dict[str, Any] = {"optimizer": "adam", "learning_rate": 0.01, "lr_schedule": "one_cycle",
                        "batch_size": 128, "epochs": 2, "subset": 60_000,
                        "validation_split": 0.0, "augment": False,
                        "precision": "mixed_bfloat16"}
FAST_NOTE = N_("**Fast recipe**: Adam with a one-cycle learning rate peaking at 0.01, batches of "
             "128, 2 epochs on all 60,000 images, none held out for validation (two epochs are "
             "too few to overfit, and checking a hold-out after each epoch costs a second). "
             "Made for the *Fast to 99%* design (Design page presets): one-cycle climbs to ten "
             "times Adam's usual rate over the first quarter of the steps, then glides down to "
             "a hundredth of it, so two epochs do what four do at a fixed rate. Mixed bfloat16 "
             "precision doubles the multiplications per second where the processor allows it.")
PRECISION_NAMES = {"float32": N_("float32"), "mixed_bfloat16": N_("mixed bfloat16")}
PRECISION_HELP = N_("float32: every multiplication in 32-bit floating point, as Keras does by "
                    "default. Mixed bfloat16: the layers multiply in 16-bit bfloat16 (float32's "
                    "range with fewer digits) while the weights and their updates stay float32, "
                    "so a processor with bfloat16 units trains up to twice as fast to about the "
                    "same accuracy. On a processor without them float32 is used instead. The "
                    "saved model is always float32.")
LR_SCHEDULE_NAMES = {"constant": N_("constant"), "one_cycle": N_("one-cycle")}
LR_SCHEDULE_HELP = {
    "constant": N_("Constant: the same learning rate for every step."),
    "one_cycle": N_("One-cycle: climb from a tenth of the learning rate to all of it over the first "
                 "quarter of the steps, then follow a cosine down to a hundredth. Allows a "
                 "higher peak rate, so fewer epochs are needed.")}

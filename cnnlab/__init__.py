"""CNN Lab's core: design, arithmetic, training and evaluation of MNIST CNNs, with no UI code.

Importing this package is cheap: TensorFlow is imported only by the modules that build,
train or run models, and only when they are first used.
"""

from cnnlab.errors import LabError
from cnnlab.design.spec import Architecture

__all__ = ["Architecture", "LabError"]
__version__ = "0.1.0"

# Init Lens model stub: transformers (transformers 4.46, Hugging Face), the base classes and helpers a
# model file imports from the package. Names not described here are left to the framework.
from .activations import ACT2FN, get_activation
from .configuration_utils import PretrainedConfig
from .modeling_utils import PreTrainedModel
from .pytorch_utils import Conv1D

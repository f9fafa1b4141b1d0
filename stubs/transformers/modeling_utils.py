# Init Lens model stub: transformers.modeling_utils (transformers 4.46).
# A model calls `self.post_init()` at the end of its `__init__`: it initialises the weights by
# applying the model's own `_init_weights` to every submodule (the base class's does nothing).
from torch import nn

from .configuration_utils import PretrainedConfig
from .pytorch_utils import Conv1D


class PreTrainedModel(nn.Module):
    """The base class of Hugging Face PyTorch models."""

    config_class = None
    base_model_prefix = ""

    def __init__(self, config, *inputs, **kwargs):
        super().__init__()
        self.config = config

    def _init_weights(self, module):
        pass

    def init_weights(self):
        self.apply(self._init_weights)

    def post_init(self):
        self.init_weights()

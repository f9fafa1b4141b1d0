# Init Lens model stub: transformers.configuration_utils (transformers 4.46).
# A configuration is attributes; `initializer_range` (the std of the normal init most models'
# `_init_weights` use) is 0.02 unless given.


class PretrainedConfig:
    """Attributes from keyword arguments; initializer_range defaults to 0.02."""

    model_type = ""

    def __init__(self, initializer_range=0.02, **kwargs):
        self.initializer_range = initializer_range
        for key, value in kwargs.items():
            setattr(self, key, value)

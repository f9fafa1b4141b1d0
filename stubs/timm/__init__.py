# Init Lens model stub: timm (timm 1.0): `import timm` reaches timm.layers through the package; its
# other names (create_model, the model registry) are left to the framework; timm.models holds named_apply.
from . import layers, models

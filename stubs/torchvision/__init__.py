# Init Lens model stub: torchvision (torchvision 0.20): `import torchvision` reaches torchvision.ops and torchvision.models
# through the package; its other modules are left to the framework.
from . import models, ops

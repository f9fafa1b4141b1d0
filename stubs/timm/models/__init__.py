# Init Lens model stub: timm.models (timm 1.0): named_apply; its models are left to the framework.
from ._manipulate import named_apply

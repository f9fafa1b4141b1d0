# Init Lens model stub: timm.models.helpers (timm 1.0), the older home of named_apply.
from ._manipulate import named_apply

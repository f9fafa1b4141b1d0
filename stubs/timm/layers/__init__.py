# Init Lens model stub: timm.layers (timm 1.0), the blocks the package re-exports from its modules.
from .create_act import create_act_layer, get_act_layer
from .drop import DropPath, drop_path
from .mlp import GluMlp, Mlp, SwiGLU
from .norm import LayerNorm2d
from .patch_embed import PatchEmbed
from .weight_init import lecun_normal_, trunc_normal_

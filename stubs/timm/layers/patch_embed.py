# Init Lens model stub: timm.layers.patch_embed (timm 1.0).
# An image to a sequence of patch embeddings: one Conv2d whose kernel and stride are the patch size.
from torch import nn


class PatchEmbed(nn.Module):
    """proj = Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size); flattened to tokens; then norm (Identity by default)."""

    def __init__(self, img_size=224, patch_size=16, in_chans=3, embed_dim=768, norm_layer=None, flatten=True, output_fmt=None, bias=True, strict_img_size=True, dynamic_img_pad=False):
        super().__init__()
        self.patch_size = patch_size
        self.flatten = flatten
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size, bias=bias)
        self.norm = norm_layer(embed_dim) if norm_layer else nn.Identity()

    def forward(self, x):
        x = self.proj(x)
        if self.flatten:
            x = x.flatten(2).transpose(1, 2)
        x = self.norm(x)
        return x

"""A deep ReLU MLP in Flax NNX with the default kernel_init, and the same model done right."""
from flax import nnx


class DeepReluMLP(nnx.Module):
  """Every Linear keeps Flax's default kernel_init, lecun_normal(): Var(W) = 1/fan_in, half what ReLU needs."""

  def __init__(self, rngs: nnx.Rngs, width: int = 512, depth: int = 12):
    self.input_layer = nnx.Linear(784, width, rngs=rngs)
    self.hidden = [nnx.Linear(width, width, rngs=rngs) for _ in range(depth)]
    self.head = nnx.Linear(width, 10, rngs=rngs)

  def __call__(self, x):
    x = nnx.relu(self.input_layer(x))
    for layer in self.hidden:
      x = nnx.relu(layer(x))
    return self.head(x)


class DeepReluMLPHe(nnx.Module):
  """The same stack with He initialisation: he_normal() gives Var(W) = 2/fan_in (std-corrected truncated normal)."""

  def __init__(self, rngs: nnx.Rngs, width: int = 512, depth: int = 12):
    self.input_layer = nnx.Linear(784, width, kernel_init=nnx.initializers.he_normal(), rngs=rngs)
    self.hidden = [nnx.Linear(width, width, kernel_init=nnx.initializers.he_normal(), rngs=rngs) for _ in range(depth)]
    self.head = nnx.Linear(width, 10, rngs=rngs)

  def __call__(self, x):
    x = nnx.relu(self.input_layer(x))
    for layer in self.hidden:
      x = nnx.relu(layer(x))
    return self.head(x)

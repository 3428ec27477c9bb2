"""The lesson's PyTorch model, kept here for the labs and the tests.

``GenerativePyTorch.ipynb`` shows this class where the student reads it; the word lab loads the
lesson's checkpoint into it, and the tests build small ones. ``tests/test_package.py`` checks
that the notebook's class and this one are the same code.
"""

from torch import nn


class CharLSTM(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, dropout=0.0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, state=None):
        """ids: (batch, time) -> logits (batch, time, vocab), new state ((1, batch, hidden) x 2)."""
        out, state = self.lstm(self.embed(ids), state)
        return self.head(self.drop(out)), state

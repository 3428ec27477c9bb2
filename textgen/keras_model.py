"""The lesson's Keras model, kept here so that tests (and scripts) can reload its checkpoint.

``GenerativeTF.ipynb`` shows this class where the student reads it and registers it under the same
name; a ``.keras`` file names the class it needs, and ``keras.saving.load_model`` (safe mode) can
only rebuild a class that is registered. ``tests/test_package.py`` checks that the notebook's class
and this one are the same code. Importing this module imports Keras.
"""

import keras
from keras import layers


@keras.saving.register_keras_serializable(package="textgen_lesson")
class CharLSTM(keras.Model):
    def __init__(self, vocab_size, embed_dim, hidden_size, dropout=0.0, meta=None, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.embed_dim, self.hidden_size, self.dropout = vocab_size, embed_dim, hidden_size, dropout
        self.meta = meta or {}  # vocabulary, settings, history: saved with the weights
        like_pytorch = keras.initializers.RandomNormal(stddev=1.0)  # PyTorch's start for embeddings
        self.embed = layers.Embedding(vocab_size, embed_dim, embeddings_initializer=like_pytorch)
        self.lstm = layers.LSTM(hidden_size, return_sequences=True, return_state=True)  # Keras' default initialisers
        self.drop = layers.Dropout(dropout)
        self.head = layers.Dense(vocab_size)

    def call(self, ids, state=None, training=False):
        """ids: (batch, time) -> logits (batch, time, vocab), new state [h, c], each (batch, hidden)."""
        out, h, c = self.lstm(self.embed(ids), initial_state=state, training=training)
        return self.head(self.drop(out, training=training)), [h, c]

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "embed_dim": self.embed_dim,
                "hidden_size": self.hidden_size, "dropout": self.dropout, "meta": self.meta}

"""textgen: the plumbing shared by the module's PyTorch and TensorFlow notebooks.

The lesson itself (models, training steps, generation loops, the sampling rule) is written out
in the notebooks; this package holds what both frameworks share, so that they see identical data,
and the tested references the notebooks check themselves against:

* ``data``      the corpus, its split, vocabularies, contiguous batches
* ``sampling``  the reference sampling rule, entropy, cycles and novelty of generated text
* ``run``       switches, seeds, devices, checkpoints saved and loaded safely, the learning rate
* ``display``   loss units, plots, the temperature slider
* ``trainlog``  the bookkeeping of a training loop (running loss, looks, the kept step)
* ``dates``     the date-translation lab's data
* ``checks``    the one check of whole numbers and of real numbers every module uses
* ``counting``  the counting baseline: character n-grams with modified Kneser-Ney smoothing
* ``models``    the lesson's PyTorch model, for the labs and tests (imports torch; not loaded here)
* ``keras_model`` the lesson's Keras model, to reload its checkpoint in tests (imports keras; not loaded here)
"""

from . import dates
from .data import (
    CharVocab,
    ContiguousBatches,
    WordVocab,
    batchify,
    check_length,
    corpus_name,
    detokenize_words,
    development_text,
    epoch_batches,
    load_corpus,
    read_text,
    shakespeare_path,
    split_text,
    tokenize_words,
    vocab_from_dict,
)
from .dates import make_date_data, parse_iso, write_date
from .display import loss_line
from .run import (
    CheckpointError,
    checkpoint_path,
    describe_record,
    learning_rate,
    lesson_checkpoint,
    load_checkpoint,
    load_keras_model,
    load_weights,
    pick_device,
    read_settings,
    save_checkpoint,
    set_seed,
    training_record,
    weights_instead_of_training,
)
from .sampling import NgramIndex, Sampler, find_cycle, probabilities
from .trainlog import TrainingLog

__all__ = [
    "CharVocab",
    "CheckpointError",
    "ContiguousBatches",
    "NgramIndex",
    "Sampler",
    "TrainingLog",
    "WordVocab",
    "batchify",
    "check_length",
    "checkpoint_path",
    "corpus_name",
    "dates",
    "describe_record",
    "detokenize_words",
    "development_text",
    "epoch_batches",
    "find_cycle",
    "learning_rate",
    "lesson_checkpoint",
    "load_checkpoint",
    "load_keras_model",
    "load_weights",
    "load_corpus",
    "loss_line",
    "make_date_data",
    "parse_iso",
    "pick_device",
    "probabilities",
    "read_settings",
    "read_text",
    "save_checkpoint",
    "set_seed",
    "shakespeare_path",
    "split_text",
    "tokenize_words",
    "training_record",
    "vocab_from_dict",
    "weights_instead_of_training",
    "write_date",
]

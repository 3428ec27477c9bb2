"""textgen: the plumbing shared by the module's PyTorch and TensorFlow notebooks.

The lesson itself (models, training loops, generation loops) lives in the notebooks;
this package holds what both frameworks share so that they see identical data:
corpus loading and splitting, vocabularies, contiguous batches, sampling rules,
seeding, device choice, loss units, checks on generated text and plots.
"""

from .batches import ContiguousBatches, batchify
from .corpus import (
    SHAKESPEARE_PLAYS,
    CorpusError,
    build_shakespeare,
    check_length,
    corpus_name,
    download_corpus,
    load_corpus,
    read_text,
    shakespeare_path,
    split_text,
)
from .checkpoints import (
    announce_pretrained,
    checkpoint_path,
    checkpoint_root,
    describe_record,
    read_sidecar,
    training_record,
    write_sidecar,
)
from . import dates
from .dates import DateData, DatePair, make_date_data, parse_iso, write_date
from .files import atomic_write
from .metrics import loss_line, nats_to_bits, perplexity, write_run_summary
from .sampling import Sampler, entropy, probabilities, sample
from .settings import Settings, is_quick, pick_device, read_settings, set_seed
from .training import epoch_batches, learning_rate
from .textstats import Cycle, NgramIndex, find_cycle
from .vocab import CharVocab, WordVocab, detokenize_words, load_vocab, tokenize_words, vocab_from_dict

__all__ = [
    "announce_pretrained",
    "checkpoint_path",
    "checkpoint_root",
    "describe_record",
    "read_sidecar",
    "training_record",
    "write_sidecar",
    "CharVocab",
    "ContiguousBatches",
    "CorpusError",
    "Cycle",
    "DateData",
    "DatePair",
    "NgramIndex",
    "SHAKESPEARE_PLAYS",
    "Sampler",
    "Settings",
    "WordVocab",
    "atomic_write",
    "batchify",
    "build_shakespeare",
    "check_length",
    "corpus_name",
    "dates",
    "detokenize_words",
    "download_corpus",
    "entropy",
    "epoch_batches",
    "find_cycle",
    "is_quick",
    "learning_rate",
    "load_corpus",
    "load_vocab",
    "loss_line",
    "make_date_data",
    "nats_to_bits",
    "parse_iso",
    "perplexity",
    "pick_device",
    "probabilities",
    "read_settings",
    "read_text",
    "sample",
    "set_seed",
    "shakespeare_path",
    "split_text",
    "tokenize_words",
    "vocab_from_dict",
    "write_date",
    "write_run_summary",
]

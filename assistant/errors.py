"""Domain errors. Each carries a message a person can act on and the HTTP status it maps to.

    ResvError
    ├── BadInputError (400)
    │   ├── InvalidQuestionError
    │   ├── UnknownInsurerError
    │   └── WrongContentTypeError (415)
    ├── UnauthorizedError (401)
    ├── ForbiddenError (403)
    ├── DocumentError (422)
    │   ├── UnsupportedFileError (415)
    │   ├── FileTooLargeError (413)   also: more pages, text, zip members or paragraphs than the limits allow
    │   ├── EncryptedPdfError
    │   ├── NoTextLayerError
    │   ├── CorruptFileError
    │   └── EmptyDocumentError
    ├── WorkStoppedError (503)  a review over its time budget, or whose client has gone
    ├── CorpusError (500)
    └── IndexNotReadyError (503)

The CLI turns any of these into `Error: <message>` and exit 1; the API into `{"detail": message}`
with the status. Anything else is a bug and is allowed to surface as one.
"""

from __future__ import annotations


class ResvError(Exception):
    """Base of every error the user can cause or fix."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInputError(ResvError):
    status_code = 400


class InvalidQuestionError(BadInputError):
    """Empty, too long, or not a question we can read."""


class UnknownInsurerError(BadInputError):
    """An insurer name that is not one of the insurers in the corpus."""


class WrongContentTypeError(BadInputError):
    """A body sent with another Content-Type than the route reads."""

    status_code = 415


class UnauthorizedError(ResvError):
    status_code = 401


class ForbiddenError(ResvError):
    """A request the server will not serve whoever sends it: from another website, or to a host it does not know."""

    status_code = 403


class DocumentError(ResvError):
    """A file that cannot be read as a document."""

    status_code = 422


class UnsupportedFileError(DocumentError):
    status_code = 415


class FileTooLargeError(DocumentError):
    status_code = 413


class EncryptedPdfError(DocumentError):
    pass


class NoTextLayerError(DocumentError):
    pass


class CorruptFileError(DocumentError):
    pass


class EmptyDocumentError(DocumentError):
    pass


class WorkStoppedError(ResvError):
    """Work stopped before it finished: its time budget ran out, or nobody waits for the result any more."""

    status_code = 503


class CorpusError(ResvError):
    """The corpus folder or its manifest is missing or inconsistent."""


class IndexNotReadyError(ResvError):
    """No index has been built yet, or it was built by another embedder."""

    status_code = 503

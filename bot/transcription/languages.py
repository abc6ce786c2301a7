"""Start-up check: can the configured model transcribe the languages the kits ask for?"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.transcription.port import Transcriber

log = logging.getLogger(__name__)


def warn_unsupported_languages(transcriber: Transcriber, languages: Iterable[str]) -> list[str]:
    """Log a WARNING naming each kit language the model cannot transcribe; return them.

    An English-only model (the bundled tiny.en) with a Russian kit would otherwise produce
    confident English nonsense for every answer: say so once, at start-up, loudly.
    """
    supported = transcriber.is_language_supported
    unsupported = sorted({lang for lang in languages if not supported(lang)})
    model = getattr(transcriber, "model_name", type(transcriber).__name__)
    for language in unsupported:
        log.warning(
            "transcription model %s cannot transcribe kit language %r: answers in it will get "
            "wrong transcripts; set WHISPER_MODEL to a multilingual model (e.g. small)",
            model, language,
        )
    return unsupported

"""Domain operations: the changes the panel and the command line make, with their rules and audit.

Nothing here knows HTTP, Flask-Admin or forms. An operation checks its rules, changes the
records, writes its audit row through ``collector.audit.audit_change`` for the ``Actor`` it is
given, and flushes; the caller commits. A refusal is a ``DomainError`` carrying a code and
parameters, never a sentence: the panel and the command line word it for their readers.

- ``problems``: ``Problem``, ``DomainError``, the question and version rules (``check_question``,
  ``check_version``);
- ``origins``: ``normalize_origin``, the one reading of an allowed origin;
- ``versions``: drafts, questions, publishing;
- ``offices``, ``users``, ``responses``: creating offices and users, passwords, retention.
"""

from .problems import DomainError, Problem

__all__ = ["DomainError", "Problem"]

"""Entry point of ``aftersales``. Results go to stdout (JSON where asked); progress,
warnings and logs go to stderr; bad input exits non-zero with a one-line reason."""

from __future__ import annotations

import argparse
import os
import io
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import platformdirs

from desktop_app import __version__
from desktop_app.cli.common import CliError
from desktop_app.cli.common import open_database as _open_database
from desktop_app.cli.commands import accounts
from desktop_app.cli.commands import claims as claims_command
from desktop_app.cli.commands import corpus as corpus_command
from desktop_app.cli.commands import db_roles as db_roles_command
from desktop_app.cli.commands import watch as watch_command
from desktop_app.config import DB_ENV_VAR, LANG_ENV_VAR, resolve_db_url
from desktop_app.services.diagnostics import install_diagnostics
from desktop_app.services.log_masking import install_log_masking
from desktop_app.store.database import DatabaseError

EXIT_BAD_INPUT = 2
# Checkpoints live outside the repository (a clean clone must not carry them), in the user's
# cache folder or where AFTERSALES_WORK_DIR points, so that a long run resumes after a restart.
TRAINING_WORK_ROOT = Path(os.environ.get("AFTERSALES_WORK_DIR") or platformdirs.user_cache_dir("aftersales-assist"))
DEFAULT_WORK_DIR = TRAINING_WORK_ROOT / "tagger-work"
DRAFTER_WORK_DIR = TRAINING_WORK_ROOT / "drafter-work"
TAGGER_HELP = "default: $AFTERSALES_TAGGER_MODEL, else models/tagger"
DRAFTER_HELP = "default: $AFTERSALES_DRAFTER_MODEL, else models/drafter"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help=f"SQLAlchemy database URL (default: ${DB_ENV_VAR}, else SQLite in the user data folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log more to stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aftersales",
        description="AfterSales Assist (售后助手). With no subcommand, opens the agent workstation.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser)
    parser.add_argument(
        "--lang", choices=("zh", "en"), default=None, help=f"UI language (default: ${LANG_ENV_VAR} or zh)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the agent workstation (the default)")
    _common(gui)
    gui.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    smoke = sub.add_parser(
        "smoke-gui", help="headless check: sign in on a throw-away database, open a ticket, quit (0 = all passed)"
    )
    smoke.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    smoke.add_argument("--step-timeout", type=float, default=90.0, metavar="S", help="seconds each step may take")

    imp = sub.add_parser("import", help="import a CSV, XLSX or JSONL ticket export")
    _common(imp)
    imp.add_argument("path", type=Path)
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="map a column to a ticket field (external_id, customer, channel, created_at, text, order_id, "
        "product, status, assignee, messages); repeatable",
    )
    imp.add_argument(
        "--encoding",
        default=None,
        metavar="NAME",
        help="text encoding of a CSV/JSONL file, e.g. gb18030 or utf-16 (default: detected)",
    )
    imp.add_argument("--json", action="store_true", help="print the report as one JSON object")
    imp.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    classify = sub.add_parser("classify", help="tag JSONL lines {id, text} with the ONNX ticket tagger")
    classify.add_argument("--jsonl", required=True, metavar="IN", help='input JSONL file, or "-" for stdin')
    classify.add_argument(
        "--model",
        type=Path,
        default=None,
        metavar="DIR",
        help="tagger folder (default: $AFTERSALES_TAGGER_MODEL, else models/tagger)",
    )
    classify.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="write the results here, not to stdout"
    )
    classify.add_argument("--batch-size", type=int, default=32)
    classify.add_argument("--threads", type=int, default=None, help="onnxruntime threads (default: all cores)")
    classify.add_argument(
        "--explain",
        action="store_true",
        help="add the trigger words of flagged tickets (one more model run per flagged ticket)",
    )

    mask = sub.add_parser("mask", help="mask personal data (phones, IDs, cards, addresses …) in JSONL lines {id, text}")
    mask_source = mask.add_mutually_exclusive_group(required=True)
    mask_source.add_argument("--jsonl", metavar="IN", help='input JSONL file, or "-" for stdin')
    mask_source.add_argument(
        "--evaluate",
        type=Path,
        metavar="FILE",
        help='print recall, false positives and speed on a labelled JSONL set {"id", "text", "mask", "keep"}',
    )

    draft = sub.add_parser("draft", help="draft replies with the reply generator (JSONL lines or one --text)")
    source = draft.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--jsonl", metavar="IN", help='JSONL lines {"id", "text", "history"?, "intent"?, …} ("-": stdin)'
    )
    source.add_argument("--text", help="draft a reply to this one customer message")
    draft.add_argument("--model", type=Path, default=None, help="model folder; " + DRAFTER_HELP)
    draft.add_argument("--kb", type=Path, default=None, help="knowledge-base folder (default: resources/kb)")
    draft.add_argument("--no-kb", action="store_true", help="draft without knowledge-base entries")
    draft.add_argument("--threads", type=int, default=None, help="onnxruntime threads (default: 2)")

    drafter_tools = sub.add_parser("drafter", help="reply drafter model folders")
    drafter_sub = drafter_tools.add_subparsers(dest="drafter_action", metavar="ACTION", required=True)
    adopt = drafter_sub.add_parser("adopt", help="write the manifest for a decoder exported with the genai builder")
    adopt.add_argument("folder", type=Path)
    adopt.add_argument("--name", default=None)
    adopt.add_argument("--prompt-format", choices=("chat", "aftersales-v1"), default="chat")

    corpus_command.add_parser(sub)

    db = sub.add_parser("db", help="database maintenance")
    _common(db)
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    _common(db_sub.add_parser("upgrade", help="migrate the database to the newest schema"))
    _common(db_sub.add_parser("seed-demo", help="add the demo tickets if the database is empty (SQLite only)"))
    db_roles_command.add_parser(db_sub)

    bench = sub.add_parser("bench", help="measure speed")
    bench_sub = bench.add_subparsers(dest="bench_target", metavar="TARGET", required=True)
    queue = bench_sub.add_parser("queue", help="open/sort/filter/page times of a large queue")
    _common(queue)  # --db URL: run on that database (an empty one is filled first), not a throw-away file
    queue.add_argument("--rows", type=int, default=100_000)
    queue.add_argument("--repeat", type=int, default=7)
    queue.add_argument("--json", action="store_true")
    watch_command.add_bench_parser(bench_sub, _common)
    tagger_bench = bench_sub.add_parser("tagger", help="int8 ONNX vs torch eager latency of the tagger (needs torch)")
    tagger_bench.add_argument("--model", type=Path, default=None, help=TAGGER_HELP)
    tagger_bench.add_argument(
        "--data", type=Path, default=None, help="corpora folder (texts of the tickets test split)"
    )
    tagger_bench.add_argument("--torch-weights", type=Path, default=DEFAULT_WORK_DIR / "tagger.pt")
    tagger_bench.add_argument("--threads", type=int, default=2)
    tagger_bench.add_argument("--rounds", type=int, default=200)
    tagger_bench.add_argument("--json", action="store_true")

    drafter_bench = bench_sub.add_parser("drafter", help="onnxruntime-genai vs torch eager speed of the drafter")
    drafter_bench.add_argument("--model", type=Path, default=None, help=DRAFTER_HELP)
    drafter_bench.add_argument("--data", type=Path, default=None, help="corpora folder (jddc2019 dev prompts)")
    drafter_bench.add_argument("--torch-model", type=Path, default=DRAFTER_WORK_DIR / "hf", help="transformers folder")
    drafter_bench.add_argument("--threads", type=int, default=2)
    drafter_bench.add_argument("--prompts", type=int, default=30)
    drafter_bench.add_argument("--new-tokens", type=int, default=48)
    drafter_bench.add_argument("--json", action="store_true")

    train = sub.add_parser("train", help="train a model from the corpora (needs the [train] extras: torch)")
    _common(train)
    train_sub = train.add_subparsers(dest="train_target", metavar="MODEL", required=True)
    tagger_train = train_sub.add_parser("tagger", help="tokenizer, MLM pretraining, fine-tuning, eval, ONNX export")
    _common(tagger_train)
    tagger_train.add_argument("--data", type=Path, default=None, help="corpora folder (default: $AFTERSALES_DATA)")
    tagger_train.add_argument("--out", type=Path, default=None, help="model folder to write; " + TAGGER_HELP)
    tagger_train.add_argument("--work", type=Path, default=DEFAULT_WORK_DIR, help="intermediate files")
    tagger_train.add_argument("--report-dir", type=Path, default=None, help="where the evaluation report goes")
    tagger_train.add_argument("--reuse-pretrained", action="store_true", help="skip pretraining if --work has it")
    tagger_train.add_argument(
        "--feedback", type=Path, default=None, metavar="FILE",
        help="fold in agents' tag corrections from FILE, written by `aftersales export-training` (masked, audited)",
    )
    tagger_train.add_argument("--pretrain-steps", type=int, default=None)
    tagger_train.add_argument("--pretrain-epochs", type=float, default=None, help="default 10 (resumable: a longer run continues the checkpoint)")
    tagger_train.add_argument("--pretrain-only", action="store_true", help="stop after the (resumable) pretraining")
    tagger_train.add_argument(
        "--threads", type=int, default=2, help="torch threads (1 when another training shares the two cores)"
    )
    tagger_train.add_argument(
        "--seeds", type=int, nargs="+", default=None, help="fine-tuning seeds (default 13 14 15; the best on dev ships)"
    )
    tagger_train.add_argument(
        "--corpus", type=Path, default=None, metavar="DIR", help="authored corpus folder (default: resources/corpus)"
    )
    tagger_train.add_argument("--epochs", type=int, default=None)
    tagger_train.add_argument("--toy", action="store_true", help="tiny model, few steps: a smoke test of the pipeline")

    drafter_train = train_sub.add_parser("drafter", help="corpus, tokenizer, decoder training, builder export, eval")
    _common(drafter_train)
    drafter_train.add_argument("--data", type=Path, default=None, help="corpora folder (default: $AFTERSALES_DATA)")
    drafter_train.add_argument("--out", type=Path, default=None, help="model folder to write; " + DRAFTER_HELP)
    drafter_train.add_argument("--work", type=Path, default=DRAFTER_WORK_DIR, help="intermediate files")
    drafter_train.add_argument("--report-dir", type=Path, default=Path("reports"))
    drafter_train.add_argument("--tagger", type=Path, default=None, help="tagger for conditioning; " + TAGGER_HELP)
    drafter_train.add_argument(
        "--feedback", type=Path, default=None, metavar="FILE",
        help="add agents' sent replies from FILE, written by `aftersales export-training` (masked, audited)",
    )
    drafter_train.add_argument("--reuse-model", action="store_true", help="skip training if --work has a model")
    drafter_train.add_argument(
        "--pretrain-only", action="store_true",
        help="stop after the (resumable) language-model stage; a later run fine-tunes from it",
    )
    drafter_train.add_argument("--epochs", type=float, default=None)
    drafter_train.add_argument("--precision", choices=("int4", "int8", "fp32"), default="int8")
    drafter_train.add_argument("--toy", action="store_true", help="tiny model, few steps: a smoke test of the pipeline")
    drafter_train.add_argument("--corpus", type=Path, default=None, metavar="DIR", help="default: resources/corpus")
    drafter_train.add_argument(
        "--threads", type=int, default=2, help="torch threads (1 when another training shares the two cores)"
    )

    evaluate = sub.add_parser("eval", help="evaluate a model on the corpora's held-out sets")
    eval_sub = evaluate.add_subparsers(dest="eval_target", metavar="MODEL", required=True)
    tagger_eval = eval_sub.add_parser("tagger", help="JSON + Markdown report, with the TF-IDF baseline")
    tagger_eval.add_argument("--data", type=Path, default=None)
    tagger_eval.add_argument("--model", type=Path, default=None, help=TAGGER_HELP)
    tagger_eval.add_argument("--report-dir", type=Path, default=Path("reports"))
    drafter_eval = eval_sub.add_parser(
        "drafter", help="corpus test split vs a retrieval-only baseline (chrF, BLEU, guards, rubric), JDDC dev BLEU"
    )
    drafter_eval.add_argument("--corpus", type=Path, default=None, metavar="DIR", help="default: resources/corpus")
    drafter_eval.add_argument(
        "--verdicts", type=Path, default=Path("reports/drafter_verdicts.jsonl"), help="the judge's rubric verdicts"
    )
    drafter_eval.add_argument("--retriever", type=Path, default=None, help="KB ranker folder (default: models/retriever)")
    drafter_eval.add_argument("--data", type=Path, default=None)
    drafter_eval.add_argument("--model", type=Path, default=None, help=DRAFTER_HELP)
    drafter_eval.add_argument("--tagger", type=Path, default=None, help="tagger for conditioning; " + TAGGER_HELP)
    drafter_eval.add_argument("--report-dir", type=Path, default=Path("reports"))
    drafter_eval.add_argument("--limit", type=int, default=None, help="only the first N items of each set")
    accounts.add_parsers(sub, _common)
    claims_command.add_parser(sub, _common)
    watch_command.add_parser(sub, _common)
    return parser


def _run_import(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from desktop_app.services.importing import ImportFileError, ImportProgress, ImportService

    db = _open_database(resolve_db_url(getattr(args, "db", None)))
    bar = tqdm(
        total=100,
        unit="%",
        file=sys.stderr,
        disable=args.no_progress or None,
        desc=args.path.name,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}",
    )

    def on_progress(progress: ImportProgress) -> None:
        bar.n = round(progress.fraction * 100)
        bar.set_postfix_str(f"{progress.rows_read} rows, {progress.imported} imported", refresh=True)

    try:
        report = ImportService(db).import_file(args.path, args.map, progress=on_progress, encoding=args.encoding)
    except ImportFileError as exc:
        raise CliError(f"{args.path}: {exc}") from exc
    finally:
        bar.close()
        db.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(f"imported {report.imported}, already present {report.already_present}, skipped {report.skipped}")
        for error in report.errors:
            print(f"  line {error.line}: {error.reason}")
    return 0


def _run_db(args: argparse.Namespace) -> int:
    from desktop_app.services.seed import demo_refusal, seed_demo_if_empty

    if args.db_command == "init-roles":  # connects with --owner-url, not --db
        return db_roles_command.run(args)

    db = _open_database(resolve_db_url(getattr(args, "db", None)))
    try:
        if args.db_command == "upgrade":
            print(f"{db.url}: schema is up to date")
        elif args.db_command == "seed-demo":
            refusal = demo_refusal(db)
            if refusal:
                raise CliError(refusal)
            print(f"added {seed_demo_if_empty(db)} demo tickets")
    finally:
        db.close()
    return 0


def _training(name: str, args: argparse.Namespace) -> int:
    """Training commands need torch: import them only when asked, and say so if missing."""
    try:
        from desktop_app.training import commands
    except ImportError as exc:
        raise CliError(f"{exc.name or exc} is not installed: run scripts/bootstrap.sh train") from exc
    try:
        return getattr(commands, name)(args)
    except commands.TrainingInputError as exc:
        raise CliError(str(exc)) from exc


def _run_train(args: argparse.Namespace) -> int:
    return _training(f"run_train_{args.train_target}", args)


def _run_eval(args: argparse.Namespace) -> int:
    return _training(f"run_eval_{args.eval_target}", args)


def _run_bench(args: argparse.Namespace) -> int:
    if args.bench_target == "changes":
        return watch_command.run_bench(args)
    if args.bench_target in ("tagger", "drafter"):
        return _training(f"run_bench_{args.bench_target}", args)
    from desktop_app.services.queue_bench import count_tickets, run_queue_bench
    from sqlalchemy.engine import make_url

    if args.rows < 1 or args.repeat < 1:
        raise CliError("--rows and --repeat must be positive")
    url = getattr(args, "db", None)  # only an explicit --db: never the user's own database by default
    if url is None:
        print(f"building a {args.rows}-ticket database …", file=sys.stderr)
    else:
        try:
            present = count_tickets(url)
        except DatabaseError as exc:
            raise CliError(str(exc)) from exc
        shown = make_url(url).render_as_string(hide_password=True)
        if present:
            args.rows = present
            print(f"measuring the {present} tickets already in {shown} (read-only)", file=sys.stderr)
        else:
            print(f"filling the empty database {shown} with {args.rows} tickets …", file=sys.stderr)
    timings = run_queue_bench(args.rows, args.repeat, db_url=url)
    if args.json:
        payload = {
            "rows": args.rows,
            "timings": [
                {
                    "operation": t.operation,
                    "median_ms": round(t.median_ms, 2),
                    "max_ms": round(t.max_ms, 2),
                    "runs": t.runs,
                }
                for t in timings
            ],
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(f"queue of {args.rows} tickets, {args.repeat} runs each (median / worst, ms)")
        for t in timings:
            print(f"  {t.operation:<46} {t.median_ms:8.1f} {t.max_ms:8.1f}")
    return 0


def _stdin_utf8() -> TextIO:
    """stdin as UTF-8 whatever the console's code page (a BOM is skipped)."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # already text (tests, embedding)
        return sys.stdin
    return io.TextIOWrapper(buffer, encoding="utf-8-sig", newline=None)


@contextmanager
def _jsonl_input(path: str) -> Iterator[TextIO]:
    """An input JSONL file or stdin ("-"); its bad lines and bytes become one-line CLI errors."""
    from desktop_app.cli.commands.classify import BadLine

    name = "<stdin>" if path == "-" else path
    try:
        source = _stdin_utf8() if path == "-" else open(path, encoding="utf-8-sig")  # noqa: SIM115
    except OSError as exc:
        raise CliError(f"cannot read {name}: {exc.strerror}") from exc
    try:
        yield source
    except BadLine as exc:
        raise CliError(f"{name}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"{name}: not UTF-8 ({exc.reason})") from exc
    finally:
        if path != "-":
            source.close()


def _run_classify(args: argparse.Namespace) -> int:
    from desktop_app.cli.commands.classify import classify_jsonl, command_line_threads
    from desktop_app.services.tagging import ModelFolderError, load_tagger

    if args.batch_size < 1:
        raise CliError("--batch-size must be positive")
    try:
        tagger = load_tagger(args.model, threads=args.threads or command_line_threads())
    except ModelFolderError as exc:
        raise CliError(str(exc)) from exc
    with _jsonl_input(args.jsonl) as source:
        try:
            out = sys.stdout if args.out is None else args.out.open("w", encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.out}: {exc.strerror}") from exc
        try:
            written = classify_jsonl(source, out, tagger, batch_size=args.batch_size, explain=args.explain)
        finally:
            if out is not sys.stdout:
                out.close()
    print(f"classified {written} tickets with {tagger.name}", file=sys.stderr)
    return 0


def _run_draft(args: argparse.Namespace) -> int:
    from desktop_app.cli.commands.draft import draft_jsonl, draft_one, outcome_json, parse_request
    from desktop_app.config import default_drafter_dir, default_kb_dir, default_ranker_dir
    from desktop_app.nlp.drafting.drafter import ReplyDrafter
    from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase, KnowledgeBaseError
    from desktop_app.nlp.drafting.retrieval import Retriever, load_ranker
    from desktop_app.nlp.model_folder import ModelFolderError

    try:
        drafter = ReplyDrafter.load(args.model or default_drafter_dir(), threads=args.threads)
        kb = None if args.no_kb else KnowledgeBase.load(args.kb or default_kb_dir())
        retriever = None if kb is None else Retriever(kb, load_ranker(default_ranker_dir()))
    except (ModelFolderError, KnowledgeBaseError) as exc:
        raise CliError(str(exc)) from exc
    if kb is not None:
        for problem in kb.problems:
            print(f"aftersales: warning: knowledge base entry skipped: {problem}", file=sys.stderr)
    if args.text is not None:
        _id, request = parse_request(1, json.dumps({"id": 1, "text": args.text}, ensure_ascii=False))
        outcome = draft_one(
            request, drafter, retriever, on_token=lambda piece: print(piece, end="", file=sys.stderr, flush=True)
        )
        print(file=sys.stderr)
        print(json.dumps(outcome_json(outcome), ensure_ascii=False))
        return 0
    with _jsonl_input(args.jsonl) as source:
        written = draft_jsonl(source, sys.stdout, drafter, retriever)
    print(f"drafted {written} replies with {drafter.name}", file=sys.stderr)
    return 0


def _run_drafter_tools(args: argparse.Namespace) -> int:
    from desktop_app.cli.commands.adopt import AdoptError, adopt_folder
    from desktop_app.nlp.model_folder import ModelFolderError

    try:
        result = adopt_folder(args.folder, args.name, args.prompt_format)
    except (AdoptError, ModelFolderError) as exc:
        raise CliError(str(exc)) from exc
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"point the app at it: AFTERSALES_DRAFTER_MODEL={args.folder} aftersales", file=sys.stderr)
    return 0


def _run_mask(args: argparse.Namespace) -> int:
    from desktop_app.cli.commands.mask import evaluate_file, mask_jsonl

    if args.evaluate is not None:
        return evaluate_file(args.evaluate, sys.stdout)
    with _jsonl_input(args.jsonl) as source:
        written = mask_jsonl(source, sys.stdout)
    print(f"masked {written} lines", file=sys.stderr)
    return 0


def _run_smoke_gui(args: argparse.Namespace) -> int:
    from desktop_app.ui.smoke import run_smoke

    return run_smoke(lang=getattr(args, "lang", None), step_timeout_s=args.step_timeout)


def _run_gui(args: argparse.Namespace) -> int:
    from desktop_app.ui.app import run_gui

    return run_gui(
        db_url=resolve_db_url(getattr(args, "db", None)),
        lang=getattr(args, "lang", None),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    install_log_masking()
    install_diagnostics()  # the log file in the data folder, the error hooks, faulthandler
    handlers = {
        "classify": _run_classify,
        "mask": _run_mask,
        "draft": _run_draft,
        "drafter": _run_drafter_tools,
        "import": _run_import,
        "db": _run_db,
        "bench": _run_bench,
        "train": _run_train,
        "eval": _run_eval,
        "corpus": corpus_command.run,
        **accounts.HANDLERS,
        "next": claims_command.run,
        "watch": watch_command.run,
        "smoke-gui": _run_smoke_gui,
    }
    try:
        return handlers.get(args.command or "gui", _run_gui)(args)
    except CliError as exc:
        print(f"aftersales: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except EOFError:  # any prompt whose input ran out is the user's, not a bug's
        print("aftersales: error: input ended before the command had what it needed", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("aftersales: interrupted", file=sys.stderr)
        return 130

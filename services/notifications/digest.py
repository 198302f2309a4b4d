"""A digest as plain text, ready to paste into an e-mail. Plain Python."""
import textwrap

WIDTH = 78


def as_text(digest):
    """What waits on one organisation, grouped by meeting, late items first."""
    owner = digest["owner_name"]
    moment = digest["generated_at"].strftime("%Y-%m-%d %H:%M UTC")
    if not digest["items"]:
        return f"Nothing is waiting on {owner} ({moment}).\n"
    late = f", {digest['late']} of them late" if digest["late"] else ""
    lines = [f"Waiting on {owner}: {_count(digest['waiting'])}{late} ({moment}).", ""]
    for meeting, items in _by_meeting(digest["items"]):
        lines.append(meeting)
        lines.extend(_item_line(item) for item in items)
        lines.append("")
    return "\n".join(lines)


def _count(number):
    return f"{number} item" + ("" if number == 1 else "s")


def _by_meeting(items):
    """Items per meeting code, in the order the meetings first appear."""
    groups = {}
    for item in items:
        groups.setdefault(item["meeting_code"] or "Other", []).append(item)
    return groups.items()


def _item_line(item):
    """'- [late, 3 days] <summary>': how long it has waited on this owner, then what."""
    days = item["days_waiting"]
    waited = "today" if days == 0 else f"{days} day" + ("" if days == 1 else "s")
    to_do = f" To do: {item['action']}." if item.get("action") else ""
    return _wrapped(f"- [{'late, ' if item['late'] else ''}{waited}] {item['summary']}{to_do}")


def _wrapped(text):
    """One bullet, wrapped at WIDTH with its continuation lines indented."""
    return "\n".join(textwrap.wrap(text, WIDTH, subsequent_indent="  "))

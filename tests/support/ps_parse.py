"""Exits 1 and prints where, when a PowerShell file has a syntax error (tree-sitter-powershell)."""
import sys

import tree_sitter
import tree_sitter_powershell

parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
tree = parser.parse(open(sys.argv[1], "rb").read())


def errors(node):
    if node.type == "ERROR" or node.is_missing:
        yield node
    for child in node.children:
        yield from errors(child)


bad = list(errors(tree.root_node))
for node in bad:
    print(f"{sys.argv[1]}:{node.start_point[0] + 1}:{node.start_point[1] + 1}: syntax error near {node.text[:40]!r}")
sys.exit(1 if bad else 0)

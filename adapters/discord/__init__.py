"""Discord adapter: the command catalogue as slash commands, buttons and modals on discord.py.

`runner.run_discord` is the entry point; everything else translates between Discord's
interactions and the platform-neutral command layer (`commands.dispatch`).
"""

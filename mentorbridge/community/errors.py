"""The refusal every community write raises: a sentence for the member; nothing was changed."""


class CommunityError(Exception):
    pass

def board_view(request):
    raise NotImplementedError

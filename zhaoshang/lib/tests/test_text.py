from zhaoshang.lib.text import clean_text


def test_a_dirty_briefing_comes_out_clean_simplified():
    dirty = (
        "閩(mǐn)清(qīng)新聞網訊 今年以來(lái),,我縣按照市委,、市政府部署,,"
        "對(duì)接洽談項(xiàng)目88個(gè),、總投資132。9億元,。"
    )
    assert clean_text(dirty) == (
        "闽清新闻网讯 今年以来,我县按照市委、市政府部署,对接洽谈项目88个、总投资132.9亿元。"
    )


def test_real_parentheses_stay():
    text = "福州(福城)数据产业园(2017)招商,引进CEO(首席执行官)与(CEO)团队"
    assert clean_text(text) == text


def test_pinyin_without_tone_marks_is_left_alone():
    assert clean_text("大(da)项目") == "大(da)项目"


def test_full_width_digits_and_html_remnants():
    assert (
        clean_text("<p>签约项目１２个,&nbsp;总投资３５.６亿元</p>")
        == "签约项目12个, 总投资35.6亿元"
    )


def test_full_width_commas_keep_their_width():
    assert clean_text("招商,，落地") == "招商，落地"
    assert clean_text("招商，，落地") == "招商，落地"


def test_words_are_not_rewritten():
    assert clean_text("資訊產業") == "资讯产业"  # t2s, never tw2sp (which would say 信息)
